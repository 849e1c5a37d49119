//! An action pattern as the set of catalog actions it names (`s3:Get*` → every `s3:Get...`
//! action the catalog lists). The pattern's meaning is the caller's: it passes the matcher, so
//! the wildcard rules live where the policy language defines them, not here.

use crate::Catalog;

impl Catalog {
    /// Every catalog action, spelled `prefix:Name`, for which `matches` holds, in catalog order.
    /// `service` (a prefix without wildcards, any case) limits the search to one service; a
    /// prefix the catalog lacks gives nothing.
    pub fn actions_matching(
        &self,
        service: Option<&str>,
        mut matches: impl FnMut(&str) -> bool,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut visit = |prefix: &str, names: &mut dyn Iterator<Item = &'static str>| {
            for name in names {
                let full = format!("{prefix}:{name}");
                if matches(&full) {
                    out.push(full);
                }
            }
        };
        match service {
            Some(prefix) => {
                if let Some(svc) = self.service(prefix) {
                    visit(svc.prefix, &mut svc.actions().iter().map(|a| a.name));
                }
            }
            None => {
                for svc in self.services() {
                    visit(svc.prefix, &mut svc.actions().iter().map(|a| a.name));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog;

    #[test]
    fn a_prefix_selects_its_service_and_the_predicate_decides() {
        let c = catalog();
        let gets = c.actions_matching(Some("S3"), |a| a.starts_with("s3:Get"));
        assert!(gets.iter().any(|a| a == "s3:GetObject"));
        assert!(gets.iter().all(|a| a.starts_with("s3:Get")));
        assert!(c
            .actions_matching(Some("nosuchservice"), |_| true)
            .is_empty());
        let everywhere = c.actions_matching(None, |a| a.ends_with(":GetObject"));
        assert!(everywhere.iter().any(|a| a == "s3:GetObject"));
        assert!(everywhere.len() > 1, "{everywhere:?}");
    }
}
