//! kiosk-core
