"""The labels a reader should see: an officer's correction wins over the model.

A sentiment correction changes the feedback class too, unless the item is
constructive (constructive wins whatever its tone, as DESIGN.md defines). Every
query that shows or counts classes selects these columns over these joins, so
the dashboard, thread flagging and the export always agree.
"""

# Joins on items aliased `i`; scores is `s`, corrections `cs` (sentiment) and `cf` (feedback class).
LABEL_JOINS = """
    LEFT JOIN scores s ON s.item_key = i.key
    LEFT JOIN label_corrections cs ON cs.item_key = i.key AND cs.field = 'sentiment'
    LEFT JOIN label_corrections cf ON cf.item_key = i.key AND cf.field = 'feedback_class'
"""

SENTIMENT = "coalesce(cs.value, s.sentiment)"
FEEDBACK_CLASS = """coalesce(cf.value,
             CASE WHEN s.feedback_class = 'constructive' THEN 'constructive'
                  ELSE coalesce(cs.value, s.sentiment) END)"""
