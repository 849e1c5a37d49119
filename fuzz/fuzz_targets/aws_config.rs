//! AWS CLI `config` and `credentials` files: arbitrary bytes, split at the first NUL into the
//! two files. Parsing never panics; each error has a code and a place inside its file; a file
//! that parses resolves every profile it has without panicking.
#![no_main]

use iamsim_awscli::AwsConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (config, credentials) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    match AwsConfig::parse(
        Some(("config", config)),
        credentials.map(|c| ("credentials", c)),
    ) {
        Ok(cfg) => {
            let world = iamsim_engine::World::default();
            for name in cfg.profile_names() {
                let _ = cfg.region(name);
                let _ = cfg.resolve(&world, name, None);
                let _ = cfg.resolve(&world, name, Some("arn:aws:iam::111111111111:user/u"));
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in errors {
                assert!(!e.code().is_empty());
                if let Some(p) = &e.place {
                    assert!(p.file == "config" || p.file == "credentials", "{p}");
                    assert!(p.line >= 1);
                }
                let _ = e.to_string();
            }
        }
    }
});
