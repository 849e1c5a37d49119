//! Arbitrary bytes as a Terraform plan (`terraform show -json`). Never panics; positions stay
//! inside the file (also inside escaped policy strings); rendered policies are JSON.
#![no_main]

use iamsim_iac::{read_plan, Settings};
use libfuzzer_sys::fuzz_target;

include!("iac_common.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(read) = read_plan("plan.json", text, &Settings::default()) {
        check(&read, &|_| Some(text.len()));
    }
});
