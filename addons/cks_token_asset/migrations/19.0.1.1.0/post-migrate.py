"""Each device keeps the length and last hash of its own history (new in 19.0.1.1.0): fill them
from the events already chained."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE cks_token t SET history_length = e.sequence, history_hash = e.event_hash
          FROM (SELECT DISTINCT ON (token_id) token_id, sequence, event_hash
                  FROM cks_custody_event ORDER BY token_id, sequence DESC) e
         WHERE e.token_id = t.id
        """
    )
