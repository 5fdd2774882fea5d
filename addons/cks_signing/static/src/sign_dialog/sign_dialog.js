import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

import { Component, onWillStart, useRef, useState } from "@odoo/owl";

/**
 * Signing with a token attached to the server: pick the token, type its PIN, sign.
 * The PIN goes once to the record's signing method (over the RPC, HTTPS in production) and is
 * dropped: it is kept in no field, no record, no log, and is cleared from the form after each try.
 * params: {model, res_id, method, title, declarations?}: with ``declarations`` ([[value, label]])
 * the signer also says what the document is (the organisation's signature), and may attach the
 * scan of a paper original, sent as ``declaration`` and ``scan`` (base64).
 */
export class CksSignDialog extends Component {
    static template = "cks_signing.SignDialog";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.pinInput = useRef("pin");
        this.params = this.props.action.params;
        this.state = useState({
            tokens: [],
            serial: "",
            error: "",
            busy: false,
            confirmFinalTry: false,
            declaration: "",
            scan: null,
            scanName: "",
        });
        onWillStart(async () => {
            try {
                this.state.tokens = await this.orm.call("cks.signing.service", "server_tokens", []);
            } catch (error) {
                this.state.error = error.data?.message || error.message;
            }
            if (this.state.tokens.length) {
                this.state.serial = this.state.tokens[0].serial;
            }
        });
    }

    get selected() {
        return this.state.tokens.find((token) => token.serial === this.state.serial);
    }

    get declarations() {
        return this.params.declarations || [];
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

    async sign() {
        const pin = this.pinInput.el.value;
        this.pinInput.el.value = "";
        if (!this.selected) {
            this.state.error = _t("No token is plugged into the server.");
            return;
        }
        if (!pin && !this.selected.protected_auth_path) {
            this.state.error = _t("Type the PIN of the token.");
            return;
        }
        this.state.busy = true;
        this.state.error = "";
        try {
            const kwargs = {
                token_serial: this.state.serial,
                pin,
                final_try_confirmed: this.state.confirmFinalTry,
            };
            if (this.declarations.length) {
                kwargs.declaration = this.state.declaration || null;
                kwargs.scan = this.state.declaration === "scan_of_original" ? this.state.scan : null;
            }
            await this.orm.call(this.params.model, this.params.method, [[this.params.res_id]], kwargs);
        } catch (error) {
            this.state.busy = false;
            this.state.error = error.data?.message || error.message;
            this.state.tokens = await this.orm.call("cks.signing.service", "server_tokens", []);
            return;
        }
        await this.action.doAction({ type: "ir.actions.act_window_close" });
    }

    cancel() {
        this.action.doAction({ type: "ir.actions.act_window_close" });
    }
}

registry.category("actions").add("cks_signing.sign_dialog", CksSignDialog);
