# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quantities of a generated genealogy, planned before any document is made.

One raw lot feeds ``intermediates`` lots, which feed ``finished`` lots (round robin),
which are shipped one unit per delivery (round robin over lots and customers); every
finished lot keeps one unit in stock.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class GenealogyPlan:
    intermediate_qty: tuple
    finished_qty: tuple
    finished_source: tuple  # index of the intermediate lot each finished lot consumes
    delivery_lot: tuple  # index of the finished lot of each delivery
    delivery_customer: tuple  # index of the customer of each delivery

    @property
    def raw_qty(self):
        return sum(self.intermediate_qty)


def plan_genealogy(intermediates, finished, deliveries, customers, keep=1):
    """Return the :class:`GenealogyPlan` of the given shape.

    :raises ValueError: unless ``0 < intermediates <= finished <= deliveries`` and
        ``customers >= 1``
    """
    if not (0 < intermediates <= finished <= deliveries) or customers < 1:
        raise ValueError(
            "A genealogy needs 0 < intermediates <= finished lots <= deliveries "
            "and at least one customer."
        )
    shipped = [0] * finished
    delivery_lot = tuple(index % finished for index in range(deliveries))
    for lot_index in delivery_lot:
        shipped[lot_index] += 1
    finished_qty = tuple(count + keep for count in shipped)
    finished_source = tuple(index % intermediates for index in range(finished))
    intermediate_qty = [0] * intermediates
    for index, qty in enumerate(finished_qty):
        intermediate_qty[finished_source[index]] += qty
    return GenealogyPlan(
        intermediate_qty=tuple(intermediate_qty),
        finished_qty=finished_qty,
        finished_source=finished_source,
        delivery_lot=delivery_lot,
        delivery_customer=tuple(index % customers for index in range(deliveries)),
    )
