from odoo import fields, models


class RomsWhatsappEpisode(models.Model):
    """One episode of a WhatsApp conversation: from its opening to its resolve.

    A conversation lives through several episodes: the first starts with the
    conversation, each reopen (a customer's new message in a resolved conversation,
    or an agent's Reopen) starts the next one. An episode's resolution time runs
    from its first customer message to its resolve; bot and system messages never
    start it, and an episode reopened by an agent without the customer writing
    again has no resolution time. The satisfaction question (CSAT) asked at the
    resolve and its answer belong to the episode too. Written by the server only
    (``discuss.channel``); agents and administrators read it through the Agent
    Performance report."""

    _name = "roms.whatsapp.episode"
    _description = "WhatsApp Conversation Episode"
    _order = "id desc"
    _rec_name = "channel_id"

    channel_id = fields.Many2one(
        "discuss.channel",
        string="Conversation",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    agent_id = fields.Many2one(
        "res.users",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The conversation's agent when it was resolved.",
    )
    started_at = fields.Datetime(
        string="First Customer Message",
        readonly=True,
        help="The customer's first message of the episode: the resolution time "
        "counts from here.",
    )
    resolved_at = fields.Datetime(string="Resolved On", readonly=True, index=True)
    resolution_minutes = fields.Float(
        string="Resolution Time (min)",
        readonly=True,
        digits=(16, 1),
        help="From the customer's first message of the episode to the resolve.",
    )
    csat_message_id = fields.Many2one(
        "roms.message",
        string="Satisfaction Question",
        ondelete="set null",
        readonly=True,
    )
    csat_asked_at = fields.Datetime(string="Question Sent On", readonly=True)
    csat_score = fields.Integer(
        string="Satisfaction Score",
        readonly=True,
        help="The customer's answer on a scale of 1 (bad) to 5 (very good).",
    )
    csat_answered_at = fields.Datetime(string="Answered On", readonly=True)
    csat_answer_id = fields.Many2one(
        "mail.message",
        string="Answer",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The customer's answer in the conversation: it is no new message to "
        "answer and does not count as one in the agents' figures.",
    )

    _sql_constraints = [
        (
            "csat_score_range",
            "CHECK(csat_score IS NULL OR csat_score BETWEEN 1 AND 5)",
            "A satisfaction score is between 1 and 5.",
        ),
    ]
