from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        """After Odoo's own post-processing (a quotation paid enough is
        confirmed): the orders of a done payment learn they were paid."""
        result = super()._post_process()
        for tx in self.filtered(
            lambda tx: tx.state == "done" and tx.operation != "validation"
        ):
            tx.sale_order_ids._roms_payment_received(
                self.env._("Paid online (%(reference)s).", reference=tx.reference)
            )
        return result
