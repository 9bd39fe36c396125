"""score-orders: the number of orders in a batch and their total in cents.

A batch holding an order with a negative amount is refused, as the real scoring service does.
"""


class InvalidOrder(Exception):
    pass


def handler(event, context):
    orders = event["Items"]
    for order in orders:
        if int(order["cents"]) < 0:
            raise InvalidOrder(f"order {order['id']} has a negative amount")
    return {"orders": len(orders), "cents": sum(int(order["cents"]) for order in orders)}
