//! Condition keys by when AWS puts them in a request (docs/rules.md 3.21).

/// The keys AWS puts in every request (3.21 rows "always"; `aws:SourceIp` except through a VPC
/// endpoint, which a request says with `null`).
pub const ALWAYS_PRESENT: [&str; 5] = [
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:SecureTransport",
    "aws:RequestedRegion",
    "aws:SourceIp",
];
