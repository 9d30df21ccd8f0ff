"""A portfolio small enough to check every answer by hand.

    organisation O1
    ├── territory T1 ── residence R1 ── buildings B1 (units U1, U2; lift L1), B3 (unit U4)
    └── territory T2 ── residence R2 ── building B2 (unit U3)
    contractor C1, contract K1: perimeter T1 (B1, B3), trades multiservice + lift
        MS-CUR   multiservice curative   normal: intervene 24 h, repair 72 h; urgent 4 h / 24 h
        LIFT-PRV lift preventive         normal: 24 h / 48 h
        HEAT-CUR heating curative        normal: 24 h / 72 h   (trade not in the contract)
    contractor C2, contract K2: perimeter B2, trade multiservice, MS-CUR normal 48 h / 96 h
    contractor C3 with no contract.
Contracts run from 2025-01-01 to 2027-01-01.
"""

from datetime import UTC, datetime

from services.api.quitus.interventions.v1 import interventions_pb2 as pb

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, well in the past for the server's clock


def ts(dt: datetime):
    from google.protobuf.timestamp_pb2 import Timestamp

    t = Timestamp()
    t.FromDatetime(dt)
    return t


def portfolio_batches() -> list[pb.ImportPortfolioRequest]:
    R = pb.PortfolioRecord
    ms_cur = pb.ServiceCode(
        code="MS-CUR",
        trade="multiservice",
        nature=pb.NATURE_CURATIVE,
        unit_price_eur=90,
        deadlines=[
            pb.Deadline(criticality="normal", intervene_hours=24, repair_hours=72),
            pb.Deadline(criticality="urgent", intervene_hours=4, repair_hours=24),
        ],
    )
    lift = pb.ServiceCode(
        code="LIFT-PRV",
        trade="lift",
        nature=pb.NATURE_PREVENTIVE,
        unit_price_eur=60,
        deadlines=[pb.Deadline(criticality="normal", intervene_hours=24, repair_hours=48)],
    )
    heat = pb.ServiceCode(
        code="HEAT-CUR",
        trade="heating",
        nature=pb.NATURE_CURATIVE,
        unit_price_eur=120,
        deadlines=[pb.Deadline(criticality="normal", intervene_hours=24, repair_hours=72)],
    )
    start, end = ts(datetime(2025, 1, 1, tzinfo=UTC)), ts(datetime(2027, 1, 1, tzinfo=UTC))
    records = [
        R(organisation=pb.Organisation(id="O1", name="Bailleur test")),
        R(territory=pb.Territory(id="T1", organisation_id="O1", name="Nord")),
        R(territory=pb.Territory(id="T2", organisation_id="O1", name="Sud")),
        R(residence=pb.Residence(id="R1", territory_id="T1", name="Les Tilleuls")),
        R(residence=pb.Residence(id="R2", territory_id="T2", name="Le Port")),
        R(
            building=pb.Building(
                id="B1",
                residence_id="R1",
                address="1 rue des Tilleuls",
                postcode="59000",
                city="Lille",
                latitude=50.63,
                longitude=3.06,
                heated_area_m2=1200,
                dwellings=2,
                heating_system="collective_gas",
                weather_station="LILLE",
            )
        ),
        R(
            building=pb.Building(
                id="B3",
                residence_id="R1",
                address="3 rue des Tilleuls",
                postcode="59000",
                city="Lille",
                latitude=50.63,
                longitude=3.07,
                heated_area_m2=800,
                dwellings=1,
                heating_system="collective_gas",
                weather_station="LILLE",
            )
        ),
        R(
            building=pb.Building(
                id="B2",
                residence_id="R2",
                address="2 quai du Port",
                postcode="13002",
                city="Marseille",
                latitude=43.30,
                longitude=5.37,
                heated_area_m2=900,
                dwellings=1,
                heating_system="district_heating",
                weather_station="MARIGNANE",
            )
        ),
        R(unit=pb.Unit(ug_id="U1", building_id="B1", kind="dwelling", area_m2=60)),
        R(unit=pb.Unit(ug_id="U2", building_id="B1", kind="dwelling", area_m2=70)),
        R(unit=pb.Unit(ug_id="U4", building_id="B3", kind="dwelling", area_m2=65)),
        R(unit=pb.Unit(ug_id="U3", building_id="B2", kind="dwelling", area_m2=55)),
        R(equipment=pb.Equipment(id="L1", building_id="B1", kind="lift", label="Ascenseur A")),
        R(contractor=pb.Contractor(id="C1", name="Multi Nord", vehicle_profile="diesel_van")),
        R(contractor=pb.Contractor(id="C2", name="Multi Sud", vehicle_profile="electric_van")),
        R(contractor=pb.Contractor(id="C3", name="Sans contrat", vehicle_profile="diesel_van")),
        R(
            contractor_base=pb.ContractorBase(
                id="C1-LIL", contractor_id="C1", name="Lille", latitude=50.6, longitude=3.1
            )
        ),
        R(
            contract=pb.Contract(
                id="K1",
                contractor_id="C1",
                reference="M-2025-01",
                starts_at=start,
                ends_at=end,
                territory_ids=["T1"],
                trades=["multiservice", "lift"],
                service_codes=[ms_cur, lift, heat],
                recoverable_share=0.5,
                preventive_plans=[pb.PreventivePlan(service_code="LIFT-PRV", equipment_kind="lift", interval_days=42)],
            )
        ),
        R(
            contract=pb.Contract(
                id="K2",
                contractor_id="C2",
                reference="M-2025-02",
                starts_at=start,
                ends_at=end,
                building_ids=["B2"],
                trades=["multiservice"],
                recoverable_share=0.0,
                service_codes=[
                    pb.ServiceCode(
                        code="MS-CUR",
                        trade="multiservice",
                        nature=pb.NATURE_CURATIVE,
                        deadlines=[pb.Deadline(criticality="normal", intervene_hours=48, repair_hours=96)],
                    )
                ],
            )
        ),
    ]
    return [pb.ImportPortfolioRequest(records=records)]


def event(contractor: str, ref: str, seq: int, kind: str, at: datetime, **fields) -> pb.InterventionEvent:
    return pb.InterventionEvent(
        contractor_id=contractor,
        external_ref=ref,
        sequence=seq,
        kind=pb.EventKind.Value("EVENT_KIND_" + kind),
        event_time=ts(at),
        **fields,
    )


def request(
    contractor: str,
    ref: str,
    at: datetime,
    *,
    contract="K1",
    code="MS-CUR",
    ug="U1",
    criticality="normal",
    seq=1,
    **fields,
) -> pb.InterventionEvent:
    return event(
        contractor,
        ref,
        seq,
        "REQUESTED",
        at,
        contract_id=contract,
        service_code=code,
        ug_id=ug,
        criticality=criticality,
        **fields,
    )
