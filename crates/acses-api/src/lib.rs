//! acses-api
