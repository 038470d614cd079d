//! Where appointments come from. Appointments are not part of the ACSES API: the kiosk reads them
//! through one small interface so that Claire's appointments endpoint, a typed or scanned number
//! and the emulator's demo list all look the same to the flow.

use std::sync::Arc;

use acses_api::{AppointmentId, DealerLocationId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::{ErrorKind, KioskError};
use crate::text;
use crate::watcher::BoxFuture;

/// An appointment as the UI shows it (docs/ipc.md `Appointment`). Unknown fields are null.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentView {
    pub id: u64,
    pub license_plate: Option<String>,
    pub customer_name: Option<String>,
    /// RFC 3339.
    pub planned_at: Option<String>,
    pub keys_in_locker: Option<bool>,
}

impl AppointmentView {
    /// Only the number: what a mechanic typed or scanned.
    pub fn id_only(id: u64) -> Self {
        Self {
            id,
            license_plate: None,
            customer_name: None,
            planned_at: None,
            keys_in_locker: None,
        }
    }

    pub fn from_api(a: &acses_api::Appointment) -> Self {
        let text = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned);
        Self {
            id: a.id.0,
            license_plate: text(&a.license_plate),
            customer_name: text(&a.customer_name),
            planned_at: a.planned_at.as_ref().map(|t| t.to_rfc3339()),
            keys_in_locker: a.keys_in_locker,
        }
    }
}

/// A source of appointments. Object-safe (boxed futures) so the kiosk holds `Arc<dyn ..>`.
pub trait AppointmentSource: Send + Sync + 'static {
    /// Today's appointments, sorted by planned time.
    fn list_today(&self) -> BoxFuture<'_, Result<Vec<AppointmentView>, KioskError>>;
    /// One appointment by number; `notFound` when the source does not know it.
    fn find(&self, id: u64) -> BoxFuture<'_, Result<AppointmentView, KioskError>>;
}

/// Claire's appointments endpoint through the API client (`POST /v1/appointments/list`).
pub struct ClaireAppointments {
    client: acses_api::Client,
    location: DealerLocationId,
    /// The clock, replaceable in tests.
    now: fn() -> OffsetDateTime,
}

impl ClaireAppointments {
    pub fn new(client: acses_api::Client, location: DealerLocationId) -> Self {
        Self {
            client,
            location,
            now: OffsetDateTime::now_utc,
        }
    }

    pub fn with_clock(mut self, now: fn() -> OffsetDateTime) -> Self {
        self.now = now;
        self
    }
}

/// Today's appointments of `all`, sorted by planned time (then number). "Today" is judged in each
/// appointment's own UTC offset, i.e. the workshop's local day as the server wrote it, so the
/// kiosk's own time zone setting does not matter. Appointments without a planned time are kept
/// (at the end): the service listed them for a reason.
pub fn today_sorted(all: &[acses_api::Appointment], now: OffsetDateTime) -> Vec<AppointmentView> {
    let mut today: Vec<&acses_api::Appointment> = all
        .iter()
        .filter(|a| match &a.planned_at {
            Some(t) => t.0.date() == now.to_offset(t.0.offset()).date(),
            None => true,
        })
        .collect();
    today.sort_by_key(|a| {
        (
            a.planned_at.is_none(),
            a.planned_at.as_ref().map(|t| t.0),
            a.id,
        )
    });
    today.into_iter().map(AppointmentView::from_api).collect()
}

impl AppointmentSource for ClaireAppointments {
    fn list_today(&self) -> BoxFuture<'_, Result<Vec<AppointmentView>, KioskError>> {
        Box::pin(async move {
            let all = self.client.list_appointments(self.location).await?;
            Ok(today_sorted(&all, (self.now)()))
        })
    }

    fn find(&self, id: u64) -> BoxFuture<'_, Result<AppointmentView, KioskError>> {
        Box::pin(async move {
            // The client has no get-by-id: look the number up in the (whole) list.
            let all = self.client.list_appointments(self.location).await?;
            all.iter()
                .find(|a| a.id == AppointmentId(id))
                .map(AppointmentView::from_api)
                .ok_or_else(|| KioskError::new(ErrorKind::NotFound, text::NOT_FOUND))
        })
    }
}

/// Knows nothing: a typed or scanned number is taken as it is, so a mechanic can always proceed
/// (the PIN request will tell whether the number exists).
#[derive(Debug, Clone, Copy, Default)]
pub struct ManualEntry;

impl AppointmentSource for ManualEntry {
    fn list_today(&self) -> BoxFuture<'_, Result<Vec<AppointmentView>, KioskError>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    fn find(&self, id: u64) -> BoxFuture<'_, Result<AppointmentView, KioskError>> {
        Box::pin(async move { Ok(AppointmentView::id_only(id)) })
    }
}

/// Tries `primary` and falls back to manual entry: an unknown number, a missing endpoint (404) or
/// an unreachable service still lets the mechanic continue with the number. Only a rejected token
/// is reported, since nothing will work until it is fixed.
pub struct WithManualFallback {
    primary: Arc<dyn AppointmentSource>,
}

impl WithManualFallback {
    pub fn new(primary: Arc<dyn AppointmentSource>) -> Self {
        Self { primary }
    }
}

impl AppointmentSource for WithManualFallback {
    fn list_today(&self) -> BoxFuture<'_, Result<Vec<AppointmentView>, KioskError>> {
        Box::pin(async move {
            match self.primary.list_today().await {
                // The live service may simply not have the endpoint: an empty list, not an error.
                Err(e) if e.kind == ErrorKind::NotFound => Ok(Vec::new()),
                other => other,
            }
        })
    }

    fn find(&self, id: u64) -> BoxFuture<'_, Result<AppointmentView, KioskError>> {
        Box::pin(async move {
            match self.primary.find(id).await {
                Ok(a) => Ok(a),
                Err(e) if e.kind == ErrorKind::Unauthorized => Err(e),
                Err(e) => {
                    tracing::info!(id, kind = ?e.kind, "appointment not found at the source; continuing with the number only");
                    ManualEntry.find(id).await
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use acses_api::Timestamp;
    use time::macros::datetime;

    fn appt(id: u64, at: Option<OffsetDateTime>) -> acses_api::Appointment {
        acses_api::Appointment {
            id: AppointmentId(id),
            license_plate: format!(" P-{id} "),
            customer_name: String::new(),
            planned_at: at.map(Timestamp),
            keys_in_locker: Some(id < 4),
        }
    }

    #[test]
    fn today_is_filtered_and_sorted_in_the_workshop_offset() {
        let now = datetime!(2026-03-10 23:30 UTC); // already the 11th in Amsterdam (+01:00)
        let all = vec![
            appt(1, Some(datetime!(2026-03-11 14:00 +01:00))),
            appt(2, Some(datetime!(2026-03-11 08:00 +01:00))),
            appt(3, Some(datetime!(2026-03-10 16:00 +01:00))), // yesterday there
            appt(4, None),
            appt(5, Some(datetime!(2026-03-12 08:00 +01:00))),
            appt(6, Some(datetime!(2026-03-11 08:00 +01:00))),
        ];
        let got = today_sorted(&all, now);
        let ids: Vec<u64> = got.iter().map(|a| a.id).collect();
        assert_eq!(ids, [2, 6, 1, 4]);
        assert_eq!(got[0].license_plate.as_deref(), Some("P-2"));
        assert_eq!(got[0].customer_name, None, "blank text is null");
        assert_eq!(got[0].keys_in_locker, Some(true));
        assert_eq!(
            got[0].planned_at.as_deref(),
            Some("2026-03-11T08:00:00+01:00")
        );
    }

    #[test]
    fn view_serializes_as_the_ipc_appointment() {
        let v = serde_json::to_value(AppointmentView::id_only(42)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"id": 42, "licensePlate": null, "customerName": null, "plannedAt": null, "keysInLocker": null})
        );
    }

    struct Failing(ErrorKind);

    impl AppointmentSource for Failing {
        fn list_today(&self) -> BoxFuture<'_, Result<Vec<AppointmentView>, KioskError>> {
            Box::pin(async move { Err(KioskError::new(self.0, "x")) })
        }
        fn find(&self, _: u64) -> BoxFuture<'_, Result<AppointmentView, KioskError>> {
            Box::pin(async move { Err(KioskError::new(self.0, "x")) })
        }
    }

    #[tokio::test]
    async fn manual_entry_and_fallback() {
        assert_eq!(
            ManualEntry.find(7).await.unwrap(),
            AppointmentView::id_only(7)
        );
        assert!(ManualEntry.list_today().await.unwrap().is_empty());

        for kind in [ErrorKind::NotFound, ErrorKind::Offline, ErrorKind::Server] {
            let f = WithManualFallback::new(Arc::new(Failing(kind)));
            assert_eq!(
                f.find(9).await.unwrap(),
                AppointmentView::id_only(9),
                "{kind:?}"
            );
        }
        let f = WithManualFallback::new(Arc::new(Failing(ErrorKind::Unauthorized)));
        assert_eq!(f.find(9).await.unwrap_err().kind, ErrorKind::Unauthorized);
        assert_eq!(
            f.list_today().await.unwrap_err().kind,
            ErrorKind::Unauthorized
        );
        let f = WithManualFallback::new(Arc::new(Failing(ErrorKind::NotFound)));
        assert!(f.list_today().await.unwrap().is_empty());
        let f = WithManualFallback::new(Arc::new(Failing(ErrorKind::Offline)));
        assert_eq!(f.list_today().await.unwrap_err().kind, ErrorKind::Offline);
    }
}
