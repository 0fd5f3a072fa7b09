//! Any JSON value a param or a response carries and this client passes on as it is.

use serde::de::IgnoredAny;
use serde::Deserialize;
use tsify::Tsify;

/// Any JSON value, passed on as it is.
#[derive(Deserialize, Tsify)]
#[tsify(type = "unknown")]
pub struct JsonValue(IgnoredAny);
