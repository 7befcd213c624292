from datetime import datetime, time

import pytz

from odoo import api, fields, models
from odoo.tools import SQL


class RomsWhatsappAgentReport(models.Model):
    """The live chat measured, per agent and per day (in the shop's time zone):
    conversations handled (answered that day), messages sent, the first-response
    time — from a conversation's first customer message of the day to the first
    agent reply after it — and the resolution time — from an episode's first
    customer message to its resolve (see ``roms.whatsapp.episode``; a reopen starts
    a new episode) — as median and 90th percentile, and the customers' satisfaction
    (questions sent, answers, average score 1–5, response rate). Only customers'
    messages and agents' replies count: bot and system messages, and the customers'
    answers to the satisfaction question, are left out."""

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
    resolved_count = fields.Integer(string="Conversations Resolved", readonly=True)
    resolution_median = fields.Float(
        string="Resolution, Median (min)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
    )
    resolution_p90 = fields.Float(
        string="Resolution, 90th Percentile (min)",
        readonly=True,
        digits=(16, 1),
        aggregator="max",
    )
    csat_requests = fields.Integer(string="Satisfaction Questions", readonly=True)
    csat_responses = fields.Integer(string="Satisfaction Answers", readonly=True)
    csat_score_total = fields.Integer(string="Satisfaction Points", readonly=True)
    csat_score = fields.Float(
        string="Satisfaction (1–5)",
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="The customers' average answer, 1 (bad) to 5 (very good). Grouped, "
        "it is the average of all the answers of the group.",
    )
    csat_rate = fields.Float(
        string="Satisfaction Response Rate (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="The share of satisfaction questions answered. Grouped, it is the "
        "share of all the questions of the group.",
    )

    def _read_group_select(self, aggregate_spec, query):
        """Averages of the satisfaction over a group are weighted by the answers
        and questions of its rows, not averages of the rows' averages."""
        if aggregate_spec == "csat_score:avg":
            return SQL(
                "round(sum(%s)::numeric / NULLIF(sum(%s), 0), 2)",
                self._field_to_sql(self._table, "csat_score_total", query),
                self._field_to_sql(self._table, "csat_responses", query),
            )
        if aggregate_spec == "csat_rate:avg":
            return SQL(
                "round(100.0 * sum(%s) / NULLIF(sum(%s), 0), 1)",
                self._field_to_sql(self._table, "csat_responses", query),
                self._field_to_sql(self._table, "csat_requests", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _responses_sql(self, since=None):
        """The CTEs ``msgs`` (customers' messages and agents' replies of WhatsApp
        conversations, with their local day; from ``since``, a naive UTC datetime
        at the start of a local day, when given) and ``responses`` (per
        conversation and day: the first customer message, the first agent reply
        after it and the minutes between), to follow with a SELECT."""
        tz = self.env["res.partner"]._roms_tz()
        since_sql = SQL("AND m.date >= %s", since) if since else SQL()
        # (cached: no query, unlike env.ref's existence check)
        root = self.env["ir.model.data"]._xmlid_to_res_id("base.partner_root")
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
                   %(since)s
                   AND NOT EXISTS (
                       SELECT 1 FROM roms_whatsapp_episode e
                        WHERE e.csat_answer_id = m.id)
            ),
            firsts AS (
                SELECT channel_id, day, min(date) AS first_in
                  FROM msgs WHERE direction = 'in'
                 GROUP BY channel_id, day
            ),
            responses AS (
                SELECT f.channel_id, f.day, f.first_in, r.author_id,
                       extract(epoch FROM r.date - f.first_in) / 60.0 AS minutes
                  FROM firsts f
                  JOIN LATERAL (
                      SELECT o.date, o.author_id FROM msgs o
                       WHERE o.channel_id = f.channel_id AND o.direction = 'out'
                         AND o.date >= f.first_in AND o.day = f.day
                       ORDER BY o.date, o.id LIMIT 1
                  ) r ON TRUE
            )
            """,
            tz=tz,
            root=root,
            since=since_sql,
        )

    @api.model
    def _roms_first_response_median(self, day):
        """The median first-response time (minutes) of the shop's local ``day``
        over all agents, None when nobody was answered that day: the dashboard's
        figure, in one query."""
        self.env["mail.message"].flush_model(
            ["model", "res_id", "date", "author_id", "roms_wa_direction"]
        )
        self.env["roms.whatsapp.episode"].flush_model(["csat_answer_id"])
        # only the day's messages are read: the dashboard stays as fast with
        # years of chats
        zone = pytz.timezone(self.env["res.partner"]._roms_tz())
        start = zone.localize(datetime.combine(day, time.min)).astimezone(pytz.utc)
        [(median,)] = self.env.execute_query(
            SQL(
                """%s SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes)
                        FROM responses r
                        JOIN res_users u ON u.partner_id = r.author_id AND NOT u.share
                       WHERE r.day = %s""",
                self._responses_sql(since=start.replace(tzinfo=None)),
                day,
            )
        )
        return None if median is None else round(median, 1)

    @property
    def _table_query(self):
        tz = self.env["res.partner"]._roms_tz()
        return SQL(
            """
            %(responses)s,
            response_stats AS (
                SELECT day, author_id,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) AS median,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes) AS p90
                  FROM responses GROUP BY day, author_id
            ),
            sent AS (
                SELECT s.day, u.id AS agent_id, count(*) AS messages,
                       count(DISTINCT s.channel_id) AS conversations
                  FROM msgs s
                  JOIN res_users u ON u.partner_id = s.author_id AND NOT u.share
                 WHERE s.direction = 'out'
                 GROUP BY s.day, u.id
            ),
            resolutions AS (
                SELECT (e.resolved_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                           AS day,
                       e.agent_id, count(*) AS resolved,
                       -- an episode without a customer message has no time
                       -- (percentiles skip NULLs)
                       percentile_cont(0.5) WITHIN GROUP (
                           ORDER BY e.resolution) AS median,
                       percentile_cont(0.9) WITHIN GROUP (
                           ORDER BY e.resolution) AS p90
                  FROM (
                      SELECT resolved_at, agent_id,
                             CASE WHEN started_at IS NOT NULL
                                  THEN resolution_minutes END AS resolution
                        FROM roms_whatsapp_episode
                  ) e
                 WHERE e.resolved_at IS NOT NULL AND e.agent_id IS NOT NULL
                 GROUP BY 1, 2
            ),
            csat AS (
                SELECT (e.csat_asked_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                           AS day,
                       e.agent_id, count(*) AS requests,
                       count(e.csat_score) AS responses,
                       COALESCE(sum(e.csat_score), 0) AS points
                  FROM roms_whatsapp_episode e
                 WHERE e.csat_asked_at IS NOT NULL AND e.agent_id IS NOT NULL
                 GROUP BY 1, 2
            ),
            keys AS (
                SELECT day, agent_id FROM sent
                UNION SELECT day, agent_id FROM resolutions
                UNION SELECT day, agent_id FROM csat
            )
            SELECT row_number() OVER (ORDER BY k.day, k.agent_id) AS id,
                   k.day, k.agent_id,
                   COALESCE(s.conversations, 0) AS conversation_count,
                   COALESCE(s.messages, 0) AS message_count,
                   round(COALESCE(r.median, 0)::numeric, 1) AS first_response_median,
                   round(COALESCE(r.p90, 0)::numeric, 1) AS first_response_p90,
                   COALESCE(x.resolved, 0) AS resolved_count,
                   round(COALESCE(x.median, 0)::numeric, 1) AS resolution_median,
                   round(COALESCE(x.p90, 0)::numeric, 1) AS resolution_p90,
                   COALESCE(q.requests, 0) AS csat_requests,
                   COALESCE(q.responses, 0) AS csat_responses,
                   COALESCE(q.points, 0) AS csat_score_total,
                   round(COALESCE(q.points::numeric / NULLIF(q.responses, 0), 0), 2)
                       AS csat_score,
                   round(COALESCE(100.0 * q.responses / NULLIF(q.requests, 0), 0), 1)
                       AS csat_rate
              FROM keys k
              JOIN res_users ku ON ku.id = k.agent_id
              LEFT JOIN sent s ON s.day = k.day AND s.agent_id = k.agent_id
              LEFT JOIN response_stats r
                ON r.day = k.day AND r.author_id = ku.partner_id
              LEFT JOIN resolutions x ON x.day = k.day AND x.agent_id = k.agent_id
              LEFT JOIN csat q ON q.day = k.day AND q.agent_id = k.agent_id
            """,
            responses=self._responses_sql(),
            tz=tz,
        )
