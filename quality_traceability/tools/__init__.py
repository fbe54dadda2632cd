# Plain-Python helpers: nothing here imports odoo, so they are tested without Odoo.
from . import genealogy_plan
from . import trace_graph
from . import gs1
from . import sql_ids
