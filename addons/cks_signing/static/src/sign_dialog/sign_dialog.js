import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

import { Component, onWillStart, useRef, useState } from "@odoo/owl";

const AGENT_TIMEOUT = 3000; // ms to wait for the signing agent's listing

/** What the signing agent's refusals tell the signer, in their language (by the agent's code). */
function agentMessage(code, answer) {
    const messages = {
        wrong_pin: answer.final_try
            ? _t("Wrong PIN: nothing was signed. One more wrong PIN locks the token.")
            : _t("Wrong PIN: nothing was signed."),
        final_try: _t("One more wrong PIN locks this token. Confirm that you want to try again."),
        pin_locked: _t("The PIN of this token is locked: it must be unblocked before it signs again."),
        no_certificate: _t("No token plugged into this computer holds the certificate to sign with."),
        token_removed: _t("The token was removed while signing: nothing was stored. Plug it in and sign again."),
        rate_limited: _t("Too many signing requests: wait a minute and sign again."),
        replayed: _t("This request was already signed: sign again."),
        expired: _t("The signing request has expired: sign again."),
        origin: _t("The signing agent on this computer is set up for another Odoo."),
        forged: _t("The signing agent does not recognise this Odoo's request: download its configuration again."),
        scope: _t("The signing agent does not recognise this Odoo's request: download its configuration again."),
        declined: _t("You declined on the signing agent: nothing was signed."),
    };
    return messages[code] || answer.message || _t("The signing agent refused to sign.");
}

/**
 * Signing one or many documents with a token, wherever it is plugged in:
 * - on the signer's computer, through the CKS signing agent (loopback): Odoo prepares each
 *   document and issues a request token, the page relays them to the agent with the PIN, the
 *   agent signs them all in one PIN session, Odoo embeds the signatures. The PIN goes to the
 *   agent only, never to Odoo;
 * - on the server (a seal or HSM in the server room): the PIN goes with each document's call to
 *   the record's signing method (HTTPS in production) and is dropped there.
 * The PIN is kept in no field, no record, no log, and is cleared from the form after each try.
 * params: {model, res_ids, documents: [[id, name]], method, title, declarations?}: with
 * ``declarations`` ([[value, label]]) the signer also says what the document is (the
 * organisation's signature) and may attach the scan of a paper original.
 */
export class CksSignDialog extends Component {
    static template = "cks_signing.SignDialog";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.pinInput = useRef("pin");
        this.params = this.props.action.params;
        this.signedIds = new Set(); // signed in this dialog already: not again after an error
        this.state = useState({
            mode: "server",
            tokens: [],
            serial: "",
            agentTokens: [],
            agentSerial: "",
            agentError: "",
            error: "",
            busy: false,
            confirmFinalTry: false,
            declaration: "",
            scan: null,
            scanName: "",
            phase: "",
            done: 0,
            shown: [],
        });
        onWillStart(async () => {
            await Promise.all([this.loadServerTokens(), this.loadAgent()]);
            if (this.state.agentTokens.length) {
                this.state.mode = "agent";
            }
        });
    }

    // ------------------------------------------------------------------ tokens
    async loadServerTokens() {
        try {
            this.state.tokens = await this.orm.call("cks.signing.service", "server_tokens", []);
        } catch (error) {
            this.state.tokens = [];
            this.state.error = error.data?.message || error.message;
        }
        if (this.state.tokens.length && !this.selected) {
            this.state.serial = this.state.tokens[0].serial;
        }
    }

    async loadAgent() {
        const settings = await this.orm.call("cks.signing.service", "agent_settings", []);
        this.agentUrl = settings.url;
        this.listingToken = settings.request;
        try {
            const answer = await this.agent("GET", "/certificates");
            this.state.agentTokens = answer.tokens.filter((token) => token.certificates.length);
            this.state.agentError = "";
        } catch (error) {
            this.state.agentTokens = [];
            this.state.agentError = error.message;
        }
        if (this.state.agentTokens.length && !this.agentSelected) {
            this.state.agentSerial = this.state.agentTokens[0].serial;
        }
    }

    /** A request to the signing agent; its refusal as an Error with the agent's message. */
    async agent(method, path, body) {
        let response;
        try {
            response = await fetch(this.agentUrl + path, {
                method,
                headers: body ? { "Content-Type": "application/json" } : { "X-CKS-Request": this.listingToken },
                body: body ? JSON.stringify(body) : undefined,
                signal: AbortSignal.timeout(method === "GET" ? AGENT_TIMEOUT : 600000),
            });
        } catch {
            throw new Error(_t("The CKS signing agent does not answer on this computer (%s).", this.agentUrl));
        }
        const answer = await response.json().catch(() => ({}));
        if (!response.ok) {
            const error = new Error(agentMessage(answer.error, answer));
            error.agent = answer;
            throw error;
        }
        return answer;
    }

    get selected() {
        return this.state.tokens.find((token) => token.serial === this.state.serial);
    }

    get agentSelected() {
        return this.state.agentTokens.find((token) => token.serial === this.state.agentSerial);
    }

    get current() {
        return this.state.mode === "agent" ? this.agentSelected : this.selected;
    }

    get declarations() {
        return this.params.declarations || [];
    }

    get documents() {
        return this.params.documents || [];
    }

    /** The documents still to sign (an error stops a batch: those signed before it stay signed). */
    get pending() {
        return this.documents.filter(([resId]) => !this.signedIds.has(resId));
    }

    get total() {
        return this.documents.length;
    }

    get percent() {
        return this.total ? Math.round((100 * this.state.done) / this.total) : 0;
    }

    async onScan(ev) {
        const file = ev.target.files[0];
        this.state.scan = null;
        this.state.scanName = "";
        if (!file) {
            return;
        }
        const data = await new Promise((resolve) => {
            const reader = new FileReader();
            reader.onload = () => resolve(reader.result.split(",")[1]);
            reader.readAsDataURL(file);
        });
        this.state.scan = data;
        this.state.scanName = file.name;
    }

    stepArgs() {
        if (!this.declarations.length) {
            return {};
        }
        return {
            declaration: this.state.declaration || null,
            scan: this.state.declaration === "scan_of_original" ? this.state.scan : null,
        };
    }

    // ------------------------------------------------------------------ signing
    async sign() {
        const pin = this.pinInput.el.value;
        this.pinInput.el.value = "";
        const token = this.current;
        if (!token) {
            this.state.error =
                this.state.mode === "agent"
                    ? _t("No token with a certificate is plugged into this computer.")
                    : _t("No token is plugged into the server.");
            return;
        }
        if (!pin && !token.protected_auth_path) {
            this.state.error = _t("Type the PIN of the token.");
            return;
        }
        this.state.busy = true;
        this.state.error = "";
        this.state.done = this.signedIds.size;
        this.state.shown = [];
        try {
            if (this.state.mode === "agent") {
                await this.signWithAgent(token, pin);
            } else {
                await this.signOnServer(pin);
            }
        } catch (error) {
            this.state.busy = false;
            this.state.phase = "";
            this.state.error = error.data?.message || error.message;
            await (this.state.mode === "agent" ? this.loadAgent() : this.loadServerTokens());
            return;
        }
        await this.action.doAction({ type: "ir.actions.act_window_close" });
    }

    async signOnServer(pin) {
        this.state.phase = _t("Signing on the server's token");
        for (const [resId] of this.pending) {
            const kwargs = {
                token_serial: this.state.serial,
                pin,
                final_try_confirmed: this.state.confirmFinalTry,
                ...this.stepArgs(),
            };
            await this.orm.call(this.params.model, this.params.method, [[resId]], kwargs);
            this.signedIds.add(resId);
            this.state.done++;
        }
    }

    async signWithAgent(token, pin) {
        const fingerprints = token.certificates.map((certificate) => certificate.fingerprint);
        const prepared = [];
        const start = this.signedIds.size;
        this.state.phase = _t("Preparing the documents");
        for (const [resId] of this.pending) {
            const item = await this.orm.call(this.params.model, "action_cks_agent_prepare", [[resId]], {
                step: this.params.method,
                fingerprints,
                ...this.stepArgs(),
            });
            prepared.push({ ...item, resId });
            this.state.done++;
        }
        this.state.phase = _t("Signing with your token (one PIN session)");
        this.state.done = start;
        const answer = await this.agent("POST", "/sign", {
            pin,
            final_try_confirmed: this.state.confirmFinalTry,
            items: prepared.map((item) => ({ request: item.request, data: item.data })),
        });
        this.state.shown = answer.shown;
        this.state.phase = _t("Storing the signed documents");
        for (const [index, item] of prepared.entries()) {
            await this.orm.call("cks.signing.request", "action_finish", [[item.request_id]], {
                signature: answer.signatures[index],
            });
            this.signedIds.add(item.resId);
            this.state.done++;
        }
    }

    cancel() {
        this.action.doAction({ type: "ir.actions.act_window_close" });
    }
}

registry.category("actions").add("cks_signing.sign_dialog", CksSignDialog);
