//! Arbitrary bytes as a CloudFormation template, YAML or JSON (JSON when it starts with `{`).
//! Never panics, whatever the tags, aliases, intrinsic functions or conditions; positions stay
//! inside the file; rendered policies are JSON.
#![no_main]

use iamsim_iac::{detect, read_cloudformation, Settings};
use libfuzzer_sys::fuzz_target;

include!("iac_common.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = detect("t.yaml", text);
    let _ = detect("t.json", text);
    for settings in [Settings::default(), Settings { account: Some("111122223333".into()) }] {
        if let Ok(read) = read_cloudformation("t.yaml", text, &settings) {
            check(&read, &|_| Some(text.len()));
        }
    }
});
