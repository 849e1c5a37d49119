// Shared by the IaC targets (included with `include!`): the laws every read must keep.

use iamsim_iac::Read;
use iamsim_policy::json::{self, Limits};
use iamsim_policy::Source;

/// Every position lies inside its file, every rendered document is JSON, and every unknown's
/// placeholder span lies inside the document.
fn check(read: &Read, len_of: &dyn Fn(&str) -> Option<usize>) {
    for p in &read.policies {
        let len = len_of(&p.file).expect("a policy names a file that was given");
        assert!(p.at <= len, "policy at {} outside 0..{len}", p.at);
        let doc_len = p.document.len() as u32;
        for o in [0, doc_len / 2, doc_len] {
            assert!(p.file_offset(o) <= len, "offset outside the file");
        }
        let src = Source::new("doc", p.document.clone());
        assert!(
            json::parse(&src, Limits::default()).is_ok(),
            "rendered document is not JSON: {}",
            p.document
        );
        for u in &p.unknowns {
            assert!(u.span.start <= u.span.end && u.span.end <= doc_len);
            assert!(u.at <= len);
        }
    }
    for pr in &read.problems {
        let len = len_of(&pr.file).expect("a problem names a file that was given");
        assert!(pr.at <= len, "problem at {} outside 0..{len}", pr.at);
    }
}
