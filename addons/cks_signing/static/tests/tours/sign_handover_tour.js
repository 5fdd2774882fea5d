import { registry } from "@web/core/registry";

import { openSignDialogSteps, pickTokenStep, wrongThenRightPinSteps } from "./sign_steps";

// The giver (a test user) signs a submitted handover record with his token on the server:
// the button opens the signing dialog, he picks his token ("hieupv", one of the demo's SoftHSM2
// tokens, tests/signing_common.py) and types its PIN (the demo's, in the README).
// Run by tests/test_tours.py, which checks the signature afterwards.
registry.category("web_tour.tours").add("cks_signing_handover_tour", {
    steps: () => [
        ...openSignDialogSteps(),
        pickTokenStep(".o_cks_sign_token", "hieupv"),
        ...wrongThenRightPinSteps(),
    ],
});
