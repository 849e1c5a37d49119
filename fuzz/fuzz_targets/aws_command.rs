//! AWS CLI commands in the user's words: arbitrary lines become the words after `aws`. Reading
//! the command and listing the IAM requests it makes never panics, and every request names an
//! action `service:Name` and a resource.
#![no_main]

use iamsim_awscli::{Env, Invocation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let words: Vec<String> = text.split('\n').map(str::to_string).collect();
    let Ok(inv) = Invocation::parse(&words) else {
        return;
    };
    let _ = inv.display();
    for (account, region) in [(None, None), (Some("111111111111"), Some("us-east-1"))] {
        let env = Env {
            account,
            region,
            caller: account.map(|_| "arn:aws:iam::111111111111:user/alice"),
        };
        if let Ok(requests) = inv.requests(&env) {
            for r in requests {
                assert!(r.action.contains(':'), "{}", r.action);
                assert!(!r.resource.is_empty());
            }
        }
    }
});
