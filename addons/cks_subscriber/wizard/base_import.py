from odoo import models

# Registers whose imports must be all or nothing: a subscriber list is checked as
# a whole before any row lands (issue: "nothing half-imported").
ATOMIC_IMPORT_MODELS = ("cks.body", "cks.subscriber", "cks.certificate")


class BaseImport(models.TransientModel):
    _inherit = "base_import.import"

    def execute_import(self, fields, columns, options, dryrun=False):
        """Import the whole file in one transaction for CKS registers.

        The import dialog sends the file in batches (2,000 rows by default), each
        committed on its own, so an error at row 4,500 would leave rows 1-4,000 in
        the database. Without a limit, `load()` takes every row at once and the
        dialog, getting no next row, stops there: every row lands, or none.
        """
        if self.res_model in ATOMIC_IMPORT_MODELS:
            options = {**options, "limit": None}
        return super().execute_import(fields, columns, options, dryrun=dryrun)
