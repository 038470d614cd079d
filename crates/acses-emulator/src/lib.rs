//! acses-emulator
