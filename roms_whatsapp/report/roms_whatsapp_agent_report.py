from odoo import fields, models
from odoo.tools import SQL


class RomsWhatsappAgentReport(models.Model):
    """The live chat measured, per agent and per day (in the shop's time zone):
    conversations handled (answered that day), messages sent, and the first-response
    time — from a conversation's first customer message of the day to the first
    agent reply after it — as median and 90th percentile. Only customers' messages
    and agents' replies count: bot and system messages are left out."""

    _name = "roms.whatsapp.agent.report"
    _description = "WhatsApp Agent Performance"
    _auto = False
    _rec_name = "agent_id"
    _order = "day desc, agent_id"

    day = fields.Date(readonly=True)
    agent_id = fields.Many2one("res.users", readonly=True)
    conversation_count = fields.Integer(string="Conversations Handled", readonly=True)
    message_count = fields.Integer(string="Messages Sent", readonly=True)
    first_response_median = fields.Float(
        string="First Response, Median (min)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
    )
    first_response_p90 = fields.Float(
        string="First Response, 90th Percentile (min)",
        readonly=True,
        digits=(16, 1),
        aggregator="max",
    )

    @property
    def _table_query(self):
        tz = self.env["res.partner"]._roms_tz()
        root = self.env.ref("base.partner_root").id
        return SQL(
            """
            WITH msgs AS (
                SELECT m.id, m.res_id AS channel_id, m.date, m.author_id,
                       m.roms_wa_direction AS direction,
                       (m.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day
                  FROM mail_message m
                  JOIN discuss_channel c
                    ON c.id = m.res_id AND c.channel_type = 'roms_whatsapp'
                 WHERE m.model = 'discuss.channel'
                   AND m.roms_wa_direction IN ('in', 'out')
                   AND m.author_id IS DISTINCT FROM %(root)s
            ),
            firsts AS (
                SELECT channel_id, day, min(date) AS first_in
                  FROM msgs WHERE direction = 'in'
                 GROUP BY channel_id, day
            ),
            responses AS (
                SELECT f.channel_id, f.day, r.author_id,
                       extract(epoch FROM r.date - f.first_in) / 60.0 AS minutes
                  FROM firsts f
                  JOIN LATERAL (
                      SELECT o.date, o.author_id FROM msgs o
                       WHERE o.channel_id = f.channel_id AND o.direction = 'out'
                         AND o.date >= f.first_in AND o.day = f.day
                       ORDER BY o.date, o.id LIMIT 1
                  ) r ON TRUE
            ),
            response_stats AS (
                SELECT day, author_id,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) AS median,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes) AS p90
                  FROM responses GROUP BY day, author_id
            ),
            sent AS (
                SELECT day, author_id, count(*) AS messages,
                       count(DISTINCT channel_id) AS conversations
                  FROM msgs WHERE direction = 'out'
                 GROUP BY day, author_id
            )
            SELECT row_number() OVER (ORDER BY s.day, u.id) AS id,
                   s.day, u.id AS agent_id,
                   s.conversations AS conversation_count,
                   s.messages AS message_count,
                   round(COALESCE(r.median, 0)::numeric, 1) AS first_response_median,
                   round(COALESCE(r.p90, 0)::numeric, 1) AS first_response_p90
              FROM sent s
              JOIN res_users u ON u.partner_id = s.author_id AND NOT u.share
              LEFT JOIN response_stats r
                ON r.day = s.day AND r.author_id = s.author_id
            """,
            tz=tz,
            root=root,
        )
