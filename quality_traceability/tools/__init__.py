# Plain-Python helpers: nothing here imports odoo, so they are tested without Odoo.
from . import trace_graph
from . import gs1
from . import sql_ids
from . import iso2859
