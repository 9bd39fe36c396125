"""car-api: UK car details for a registration number, as the workflow's Lambda returns them.

The real function asks a third-party REST API (the DVLA vehicle enquiry service); this stand-in
answers from the registrations below, in the same shapes:

- a known registration: ``{"statusCode": 200, "body": {make, yearOfManufacture, ...}}`` with the
  body as an object and the numbers as numbers;
- an unknown one: ``{"statusCode": 500, "body": "<the API error as JSON text>"}``, as the real
  function reports the HTTP error it caught;
- no ``registrationNumber`` in the event: ``{"statusCode": 400, "error": ...}`` and no body.
"""
import json

VEHICLES = {
    "FD14GRY": {"make": "FORD", "yearOfManufacture": 2014, "engineCapacity": 1242,
                "co2Emissions": 120, "fuelType": "PETROL", "markedForExport": False,
                "colour": "GREY"},
    "AU19BLK": {"make": "AUDI", "yearOfManufacture": 2019, "engineCapacity": 1968,
                "co2Emissions": 134, "fuelType": "DIESEL", "markedForExport": False,
                "colour": "BLACK"},
}

API_URL = "https://driver-vehicle-licensing.api.gov.uk/vehicle-enquiry/v1/vehicles"


def handler(event, context):
    registration = event.get("registrationNumber") if isinstance(event, dict) else None
    if not registration:
        return {"statusCode": 400, "error": "registrationNumber is missing from the input"}
    vehicle = VEHICLES.get(registration)
    if vehicle is None:
        error = f"400 Client Error: Bad Request for url: {API_URL}"
        return {"statusCode": 500, "body": json.dumps({"error": error})}
    return {"statusCode": 200, "body": dict(vehicle)}
