from . import traceability_flow_builder
