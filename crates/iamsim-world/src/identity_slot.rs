//! Where a user or role keeps the merged index of its identity policies: in the principal
//! itself, so the decision-only path reaches it through the principal it already holds, with no
//! look-up by name and no lock (BENCHMARKS.md, "Decisions: the merged index in its principal").

use crate::index::IdentityIndex;
use std::sync::{Arc, OnceLock};

/// The merged index of a principal's identity policies ([`IdentityIndex`]), built on first use
/// by the decision-only path and kept (`None` too: a principal with few policies has none, and
/// is counted once).
///
/// A copy of the principal starts empty: an escalation path changes a copy of a user or role,
/// and the copy never answers with the index of the principal it was copied from. Changing the
/// world's accounts ([`crate::World::accounts_mut`]) empties every slot.
#[derive(Debug, Default)]
pub struct IdentitySlot(OnceLock<Option<Arc<IdentityIndex>>>);

impl Clone for IdentitySlot {
    /// An empty slot: the copy builds its own index from its own policies.
    fn clone(&self) -> Self {
        IdentitySlot::default()
    }
}

impl IdentitySlot {
    /// The index, built by `build` on first use.
    #[inline]
    pub fn get_or_init(
        &self,
        build: impl FnOnce() -> Option<Arc<IdentityIndex>>,
    ) -> Option<&IdentityIndex> {
        self.0.get_or_init(build).as_deref()
    }

    /// Whether the index has been built (or found unneeded).
    pub fn is_filled(&self) -> bool {
        self.0.get().is_some()
    }

    /// Empties the slot: the next decision builds the index again.
    pub(crate) fn clear(&mut self) {
        self.0.take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_starts_empty_and_clear_empties() {
        let mut slot = IdentitySlot::default();
        assert!(!slot.is_filled());
        assert!(slot.get_or_init(|| None).is_none());
        assert!(slot.is_filled());
        // Built once: a second builder is not called.
        assert!(slot.get_or_init(|| unreachable!("built twice")).is_none());
        assert!(!slot.clone().is_filled());
        slot.clear();
        assert!(!slot.is_filled());
    }
}
