//! Arbitrary text as Terraform source: split at the first NUL byte into a root module file and a
//! module file it may call (`source = "./m"`), read with and without an account id. Never
//! panics; positions stay inside their files; rendered policies are JSON.
#![no_main]

use iamsim_iac::{read_terraform, Settings, TfFile};
use libfuzzer_sys::fuzz_target;

include!("iac_common.rs");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (root, module) = text.split_once('\0').unwrap_or((text, ""));
    let files = [
        TfFile { path: "main.tf", text: root },
        TfFile { path: "m/main.tf", text: module },
    ];
    let len_of = |f: &str| match f {
        "main.tf" => Some(root.len()),
        "m/main.tf" => Some(module.len()),
        _ => None,
    };
    for settings in [Settings::default(), Settings { account: Some("111122223333".into()) }] {
        let read = read_terraform(&files, &settings);
        check(&read, &len_of);
    }
});
