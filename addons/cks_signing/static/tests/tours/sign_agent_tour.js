import { registry } from "@web/core/registry";

import { openSignDialogSteps, pickTokenStep, wrongThenRightPinSteps } from "./sign_steps";

// The giver (a test user) signs a submitted handover record with his token plugged into his own
// computer: the dialog finds the CKS signing agent (run by tests/test_tours.py on SoftHSM2, on
// loopback), he picks his token ("hieupv") and types its PIN, first a wrong one; the PIN goes to
// the agent only. The test checks the signature and every request Odoo received afterwards.
registry.category("web_tour.tours").add("cks_signing_agent_tour", {
    steps: () => [
        ...openSignDialogSteps(),
        {
            content: "The dialog found the signing agent: the token on this computer is chosen",
            trigger: ".modal .o_cks_sign_mode_agent:checked",
        },
        pickTokenStep(".o_cks_sign_agent_token", "hieupv"),
        ...wrongThenRightPinSteps(),
    ],
});
