//! The demo world: the document's "Visser Werkplaats" (location 82, locker system 151) and a
//! second location, with a day of appointments.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

use crate::model::{Appointment, Location, LockerSystem};
use crate::world::World;

/// Location and locker ids of the demo world, for tests and docs.
pub mod ids {
    /// "Visser Werkplaats", the document's dev location.
    pub const WERKPLAATS: u64 = 82;
    /// "Visser Showroom", a second location with its own locker.
    pub const SHOWROOM: u64 = 83;
    /// The document's locker system at location 82 (active, 16 cells).
    pub const LOCKER_WERKPLAATS: &str = "151";
    /// An inactive locker at location 82.
    pub const LOCKER_INACTIVE: &str = "152";
    /// The locker at location 83 (active, 12 cells).
    pub const LOCKER_SHOWROOM: &str = "163";
}

struct DemoAppointment {
    id: u64,
    location: u64,
    plate: &'static str,
    customer: &'static str,
    car: &'static str,
    hour: u8,
    minute: u8,
    /// (locker, cell) holding the keys, if they are in a locker.
    keys: Option<(&'static str, u32)>,
}

#[rustfmt::skip]
const APPOINTMENTS: [DemoAppointment; 10] = [
    DemoAppointment { id: 120301, location: 82, plate: "GX-123-B", customer: "Jan de Vries", car: "Volkswagen Golf", hour: 8, minute: 0, keys: Some(("151", 3)) },
    DemoAppointment { id: 120302, location: 82, plate: "K-482-RT", customer: "Sanne Bakker", car: "Toyota Yaris", hour: 8, minute: 30, keys: None },
    DemoAppointment { id: 120303, location: 82, plate: "TN-904-L", customer: "Mohamed El Amrani", car: "Kia Niro", hour: 9, minute: 15, keys: Some(("151", 7)) },
    DemoAppointment { id: 120304, location: 82, plate: "5-XLK-22", customer: "Eva Jansen", car: "Peugeot 208", hour: 10, minute: 0, keys: Some(("151", 8)) },
    DemoAppointment { id: 120305, location: 82, plate: "ZR-318-V", customer: "Pieter van den Berg", car: "Volvo XC40", hour: 11, minute: 30, keys: None },
    DemoAppointment { id: 120306, location: 82, plate: "74-HBN-8", customer: "Fatma Yılmaz", car: "Renault Clio", hour: 13, minute: 0, keys: Some(("151", 12)) },
    DemoAppointment { id: 120307, location: 82, plate: "S-615-JD", customer: "Daan Smit", car: "Skoda Octavia", hour: 14, minute: 45, keys: None },
    DemoAppointment { id: 120308, location: 82, plate: "NB-772-K", customer: "Lotte Mulder", car: "Opel Corsa", hour: 16, minute: 0, keys: None },
    DemoAppointment { id: 120310, location: 83, plate: "PL-550-F", customer: "Ingrid Hoekstra", car: "Ford Focus", hour: 9, minute: 0, keys: Some(("163", 2)) },
    DemoAppointment { id: 120311, location: 83, plate: "1-KTV-49", customer: "Thomas Kok", car: "Mazda CX-5", hour: 15, minute: 30, keys: None },
];

impl World {
    /// The demo world for today (Europe/Amsterdam).
    pub fn demo() -> Self {
        Self::demo_at(OffsetDateTime::now_utc())
    }

    /// The demo world with appointments on the Amsterdam calendar day containing `now`.
    pub fn demo_at(now: OffsetDateTime) -> Self {
        let offset = amsterdam_offset(now);
        let today = now.to_offset(offset).date();
        let mut world = World::empty();
        world.locations = vec![
            Location {
                id: ids::WERKPLAATS,
                name: "Visser Werkplaats".into(),
            },
            Location {
                id: ids::SHOWROOM,
                name: "Visser Showroom".into(),
            },
        ];
        world.lockers = vec![
            LockerSystem::new(
                ids::LOCKER_WERKPLAATS,
                "Sleutelkluis Werkplaats",
                ids::WERKPLAATS,
                16,
                true,
            ),
            LockerSystem::new(
                ids::LOCKER_INACTIVE,
                "Sleutelkluis Buitenzijde (buiten gebruik)",
                ids::WERKPLAATS,
                8,
                false,
            ),
            LockerSystem::new(
                ids::LOCKER_SHOWROOM,
                "Sleutelkluis Showroom",
                ids::SHOWROOM,
                12,
                true,
            ),
        ];
        for a in &APPOINTMENTS {
            let time = Time::from_hms(a.hour, a.minute, 0).unwrap_or(Time::MIDNIGHT);
            world.appointments.push(Appointment {
                id: a.id,
                location_id: a.location,
                license_plate: a.plate.into(),
                customer_name: a.customer.into(),
                car: a.car.into(),
                planned_at: PrimitiveDateTime::new(today, time).assume_offset(offset),
            });
            if let Some((locker, cell)) = a.keys {
                // The table above is consistent; a failure here would only leave keys out.
                let _ = world.put_keys(a.id, locker, cell);
            }
        }
        world
    }
}

/// Amsterdam's UTC offset at `at`: +02:00 from the last Sunday of March to the last Sunday of
/// October (switching at 01:00 UTC, the EU rule), +01:00 otherwise.
pub(crate) fn amsterdam_offset(at: OffsetDateTime) -> UtcOffset {
    let year = at.year();
    let switch = |month| {
        last_sunday(year, month).map(|day| {
            PrimitiveDateTime::new(day, Time::from_hms(1, 0, 0).unwrap_or(Time::MIDNIGHT))
                .assume_utc()
        })
    };
    let summer = match (switch(Month::March), switch(Month::October)) {
        (Some(start), Some(end)) => at >= start && at < end,
        _ => false,
    };
    let hours = if summer { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// Last Sunday of a 31-day month.
fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let mut day = Date::from_calendar_date(year, month, 31).ok()?;
    while day.weekday() != Weekday::Sunday {
        day = day.previous_day()?;
    }
    Some(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    #[test]
    fn amsterdam_offset_follows_eu_summer_time() {
        // 2024: summer time from 31 March 01:00 UTC to 27 October 01:00 UTC.
        assert_eq!(
            amsterdam_offset(datetime!(2024-03-31 0:59 UTC)),
            offset!(+1)
        );
        assert_eq!(
            amsterdam_offset(datetime!(2024-03-31 1:00 UTC)),
            offset!(+2)
        );
        assert_eq!(
            amsterdam_offset(datetime!(2024-10-27 0:59 UTC)),
            offset!(+2)
        );
        assert_eq!(
            amsterdam_offset(datetime!(2024-10-27 1:00 UTC)),
            offset!(+1)
        );
        assert_eq!(
            amsterdam_offset(datetime!(2024-01-15 12:00 UTC)),
            offset!(+1)
        );
    }

    #[test]
    fn demo_world_matches_the_document_and_the_brief() {
        let world = World::demo_at(datetime!(2024-06-12 23:30 UTC));
        let werkplaats = world.locker("151").unwrap();
        assert_eq!(werkplaats.location_id, 82);
        assert!(werkplaats.active);
        assert_eq!(werkplaats.cells.len(), 16);
        assert!(!world.locker("152").unwrap().active);
        assert_eq!(world.locker("163").unwrap().location_id, 83);

        let at_82: Vec<_> = world
            .appointments
            .iter()
            .filter(|a| a.location_id == 82)
            .collect();
        assert!(at_82.len() >= 6);
        let with_keys = at_82
            .iter()
            .filter(|a| world.keys_of(a.id).is_some())
            .count();
        assert!(with_keys >= 2 && with_keys < at_82.len());
        // 23:30 UTC in June is already the next day in Amsterdam.
        for a in &at_82 {
            assert_eq!(a.planned_at.date(), time::macros::date!(2024 - 06 - 13));
            assert_eq!(a.planned_at.offset(), offset!(+2));
        }
        assert_eq!(werkplaats.free_cells(), 16 - with_keys);
    }
}
