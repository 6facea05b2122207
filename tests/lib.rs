//! Nothing here: the suite lives in `suite/`.
