//! A large world's accounts read on every core. The loader's thread reads world.json account by
//! account, as on one thread, and hands the accounts' parts of the file, a few at a time, to a
//! thread per core; each builds its accounts with the one-thread code ([`Loader::account_entry`])
//! and a reader of its own, sharing one handle per policy file and cached policy with the
//! others ([`SharedReads`]). The accounts then go into the world in the order of the file.
//!
//! What is reported stays what one thread reports: if any account has anything to report, or
//! two threads gave one access key to two users (a key belongs to one user, and which one holds
//! it depends on the order of the accounts), the world is read again on one thread
//! ([`Loader::load_world`]), which reports it all in order. A world with nothing to report is
//! the one the thread would have built: the same accounts, each policy file one handle.

use super::Loader;
use crate::index::FnvMap;
use crate::world::{Account, PolicyHandle, World};
use iamsim_policy::json::{Cursor, Json};
use iamsim_policy::{Diagnostic, PolicyType, Source, Span};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, PoisonError};

/// world.json from this size (about 5,000 roles) has its accounts read side by side: below it,
/// starting threads costs more than they save.
pub(super) const SIDE_BY_SIDE_FROM: usize = 1 << 20;

/// Accounts handed to a thread at once. Tests hand them one at a time, so that a fixture world
/// of a few accounts has them built on both sides.
const BATCH: usize = if cfg!(test) { 1 } else { 8 };

/// Batches waiting for a thread: the parts of world.json read ahead are at most this many.
const QUEUED: usize = 4;

/// The policies read by the threads: each file, each cached policy (AWS managed policies and
/// accounts' copies of them), one handle whichever thread read it first.
#[derive(Default)]
pub(crate) struct SharedReads {
    files: Mutex<FnvMap<PolicyType, super::FilesRead>>,
    cache: Mutex<HashMap<(String, PolicyType), PolicyHandle>>,
}

impl SharedReads {
    /// The policy file `rel` read as `ty`, if a thread has read it.
    pub(super) fn file(&self, ty: PolicyType, rel: &str) -> Option<PolicyHandle> {
        let files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        files.get(&ty).and_then(|m| m.get(rel)).map(Arc::clone)
    }

    /// Keeps `handle` as the policy file `rel` read as `ty`; gives the handle to use: the one
    /// kept first.
    pub(super) fn keep_file(
        &self,
        ty: PolicyType,
        rel: &str,
        handle: PolicyHandle,
    ) -> PolicyHandle {
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = files
            .entry(ty)
            .or_default()
            .entry(rel.to_string())
            .or_insert(handle);
        Arc::clone(kept)
    }

    /// The policy cached under `key`, if a thread has cached it.
    pub(super) fn cached(&self, key: &(String, PolicyType)) -> Option<PolicyHandle> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.get(key).map(Arc::clone)
    }

    /// Caches `handle` under `key`; gives the handle to use: the one cached first.
    pub(super) fn keep(&self, key: (String, PolicyType), handle: PolicyHandle) -> PolicyHandle {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(cache.entry(key).or_insert(handle))
    }
}

/// An account's entry in world.json.
struct Entry {
    id: String,
    key_span: Span,
    json: Json,
}

/// What a thread built: its accounts (the world's map of accounts orders them), and what its reader kept
/// that the world's reader needs.
#[derive(Default)]
struct Built {
    accounts: Vec<(String, Account)>,
    access_keys: HashMap<String, String>,
    hidden: Vec<String>,
    named: HashMap<String, Vec<PolicyHandle>>,
}

/// A thread's reader of accounts and what it built.
struct Builder<'r> {
    reader: Loader<'r>,
    built: Built,
}

impl<'r> Builder<'r> {
    fn new(files: &'r dyn iamsim_policy::files::Files, shared: &'r SharedReads) -> Self {
        let mut reader = Loader::new(files);
        reader.shared = Some(shared);
        Builder {
            reader,
            built: Built::default(),
        }
    }

    /// Builds the accounts of `batch`; stops at the first that has something to report, and
    /// says so in `reported`.
    fn build(&mut self, src: &Arc<Source>, batch: &[Entry], reported: &AtomicBool) {
        if reported.load(Ordering::Relaxed) {
            return;
        }
        for entry in batch {
            let (account, _) =
                self.reader
                    .account_entry(src, &entry.id, entry.key_span, &entry.json);
            if !self.reader.diagnostics.is_empty() {
                reported.store(true, Ordering::Relaxed);
                return;
            }
            self.built.accounts.push((entry.id.clone(), account));
        }
    }

    fn finish(mut self) -> Built {
        self.built.access_keys = std::mem::take(&mut self.reader.access_keys);
        self.built.hidden = std::mem::take(&mut self.reader.hidden);
        self.built.named = std::mem::take(&mut self.reader.named);
        self.built
    }
}

impl Loader<'_> {
    /// [`Loader::accounts`] on every core (the cursor has entered `accounts`). Sets
    /// [`Loader::again`] when the world is to be read again on one thread; `Err`: the JSON
    /// error that ends the reading, as on one thread.
    pub(super) fn accounts_side_by_side(
        &mut self,
        src: &Arc<Source>,
        cursor: &mut Cursor<'_>,
        world: &mut World,
    ) -> Result<Vec<Diagnostic>, Diagnostic> {
        // This thread reads world.json, and builds accounts too when the others are busy.
        let others = std::thread::available_parallelism().map_or(1, usize::from) - 1;
        let shared = SharedReads::default();
        let reported = AtomicBool::new(false);
        let files = self.files();
        let (send, receive) = mpsc::sync_channel::<Vec<Entry>>(QUEUED);
        let receive = Mutex::new(receive);
        // The parts of the file go back to be freed where they were built: freeing another
        // thread's memory cost a tenth more than the whole load.
        let (give_back, given_back) = mpsc::channel::<Vec<Entry>>();
        let worker = || {
            let give_back = give_back.clone();
            let mut builder = Builder::new(files, &shared);
            while let Some(batch) = next_batch(&receive, true) {
                builder.build(src, &batch, &reported);
                // Nothing to do if the loader's thread has stopped taking them back.
                let _ = give_back.send(batch);
            }
            builder.finish()
        };
        let mut here = Builder::new(files, &shared);
        let (read, mut built) = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..others)
                .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, worker).ok())
                .collect();
            // Without another thread, every account is built here.
            let alone = workers.is_empty();
            let read = hand_over(cursor, &send, &given_back, alone, |batch: &[Entry]| {
                here.build(src, batch, &reported);
                !reported.load(Ordering::Relaxed)
            });
            drop(send);
            // The batches still waiting are built here too: the other threads alone would
            // take them one after another while this one waited (up to a third of the
            // accounts of 10,000 roles).
            if matches!(read, Ok(true)) {
                while let Some(batch) = next_batch(&receive, false) {
                    here.build(src, &batch, &reported);
                }
            }
            let built: Vec<Option<Built>> = workers.into_iter().map(|w| w.join().ok()).collect();
            drop(given_back);
            (read, built)
        });
        built.push(Some(here.finish()));
        let read = read?;
        let mut accounts = Vec::new();
        let mut complete = read && !reported.load(Ordering::Relaxed);
        for b in built {
            let Some(mut b) = b else {
                complete = false;
                continue;
            };
            for (key, user) in b.access_keys {
                if self.access_keys.insert(key, user).is_some() {
                    complete = false;
                }
            }
            self.hidden.append(&mut b.hidden);
            self.named.extend(b.named);
            accounts.append(&mut b.accounts);
        }
        if !complete {
            self.again = true;
            return Ok(Vec::new());
        }
        for (id, account) in accounts {
            world.insert_account(id, account);
        }
        Ok(Vec::new())
    }
}

/// The next batch waiting for a thread; `wait`: until one comes or none can come any more,
/// else only one already waiting.
fn next_batch(receive: &Mutex<mpsc::Receiver<Vec<Entry>>>, wait: bool) -> Option<Vec<Entry>> {
    let receive = receive.lock().unwrap_or_else(PoisonError::into_inner);
    if wait {
        receive.recv().ok()
    } else {
        receive.try_recv().ok()
    }
}

/// Reads the accounts' entries and hands them to the other threads, a batch at a time, or
/// builds a batch here (`build_here`) when they are all busy or there are none (`alone`);
/// `Ok(false)` when the accounts were
/// not all built (one had something to report, or a thread ended).
fn hand_over(
    cursor: &mut Cursor<'_>,
    send: &mpsc::SyncSender<Vec<Entry>>,
    given_back: &mpsc::Receiver<Vec<Entry>>,
    alone: bool,
    mut build_here: impl FnMut(&[Entry]) -> bool,
) -> Result<bool, Diagnostic> {
    let mut batch = Vec::with_capacity(BATCH);
    let mut taken = true;
    let mut handed = 0;
    while let Some((id, key_span)) = cursor.next_key()? {
        let json = cursor.value()?;
        if !taken {
            // The world is read again: the rest of the file is only checked for JSON errors,
            // which end the reading as on one thread.
            continue;
        }
        batch.push(Entry { id, key_span, json });
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            taken = if alone {
                build_here(&full)
            } else {
                hand(send, full, handed, &mut build_here)
            };
            handed += 1;
            // Frees the parts the threads are done with.
            while given_back.try_recv().is_ok() {}
        }
    }
    if taken && !batch.is_empty() {
        taken = if alone {
            build_here(&batch)
        } else {
            hand(send, batch, handed, &mut build_here)
        };
    }
    Ok(taken)
}

/// Hands `batch` (the `n`th) to a thread, or builds it here when none can take it now; false
/// when the accounts will not all be built. Tests build every other batch here and hand the
/// others, so that both sides build accounts whatever the threads' speeds.
fn hand(
    send: &mpsc::SyncSender<Vec<Entry>>,
    batch: Vec<Entry>,
    n: usize,
    build_here: &mut impl FnMut(&[Entry]) -> bool,
) -> bool {
    if cfg!(test) {
        if n % 2 == 1 {
            return build_here(&batch);
        }
        return match send.send(batch) {
            Ok(()) => true,
            Err(mpsc::SendError(batch)) => build_here(&batch),
        };
    }
    match send.try_send(batch) {
        Ok(()) => true,
        Err(mpsc::TrySendError::Full(batch) | mpsc::TrySendError::Disconnected(batch)) => {
            build_here(&batch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{generate_with, EscalationSpec, GenSpec};
    use crate::world::LoadError;
    use iamsim_policy::files::Folder;
    use serde_json::Value;
    use std::path::{Path, PathBuf};

    /// Loads `dir` with its accounts read side by side from `from` bytes of world.json.
    fn load(dir: &Path, from: usize) -> Result<World, LoadError> {
        let folder = Folder::open(dir, None).map_err(|d| LoadError {
            diagnostics: vec![d],
        })?;
        Loader::new(&folder).load_world_from(from)
    }

    /// Whether reading `dir`'s accounts side by side kept what it built (it did not have to
    /// read the world again on one thread).
    fn kept(dir: &Path) -> bool {
        let folder = Folder::open(dir, None).unwrap();
        matches!(Loader::new(&folder).load_world_once(0), Ok(Some(_)))
    }

    /// Everything a load gives: the world (every account, entity and policy), its warnings or
    /// its diagnostics, and which references share one policy handle.
    fn shape(loaded: &Result<World, LoadError>) -> String {
        let world = match loaded {
            Ok(world) => world,
            Err(e) => return format!("{:#?}", e.diagnostics),
        };
        let mut handles: Vec<*const crate::world::LoadedPolicy> = Vec::new();
        let mut sharing = Vec::new();
        let mut note = |h: &PolicyHandle| {
            let at = Arc::as_ptr(h);
            let i = handles.iter().position(|p| *p == at).unwrap_or_else(|| {
                handles.push(at);
                handles.len() - 1
            });
            sharing.push(i);
        };
        for account in world.accounts.values() {
            account.policies.values().for_each(&mut note);
            for group in account.groups.values() {
                group.policies.iter().for_each(&mut note);
            }
            for user in account.users.values() {
                user.policies
                    .iter()
                    .chain(&user.boundary)
                    .for_each(&mut note);
            }
            for role in account.roles.values() {
                note(&role.trust);
                role.policies
                    .iter()
                    .chain(&role.boundary)
                    .for_each(&mut note);
            }
            account
                .buckets
                .values()
                .filter_map(|b| b.policy.as_ref())
                .for_each(&mut note);
            account
                .resources
                .values()
                .filter_map(|r| r.policy.as_ref())
                .for_each(&mut note);
        }
        format!("{world:#?}\n{sharing:?}")
    }

    fn same_both_ways(dir: &Path) {
        let one = shape(&load(dir, usize::MAX));
        let side_by_side = shape(&load(dir, 0));
        assert!(
            one == side_by_side,
            "{} differs read side by side",
            dir.display()
        );
    }

    #[test]
    fn every_fixture_world_reads_side_by_side_as_on_one_thread() {
        let dirs = crate::world::fixture_world_dirs();
        assert!(dirs.len() > 100, "found {} fixture worlds", dirs.len());
        let mut kept_count = 0;
        for dir in &dirs {
            same_both_ways(dir);
            kept_count += usize::from(kept(dir));
        }
        // Most fixture worlds load with nothing to report: they exercise the threads, the
        // others the reading again on one thread.
        assert!(
            kept_count > dirs.len() / 2,
            "{kept_count} of {} kept",
            dirs.len()
        );
        assert!(kept_count < dirs.len(), "no fixture world was read again");
    }

    /// A generated organization (shared and per-account policy files, users, groups, escalation
    /// entries with access keys) in a fresh folder.
    fn generated(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("iamsim-side-by-side-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let spec = GenSpec {
            seed: 7,
            accounts: 60,
            roles_per_account: 12,
            users_per_account: 3,
        };
        generate_with(&spec, EscalationSpec { percent: 50 }, &dir).unwrap();
        dir
    }

    /// Changes `dir`'s world.json with `change`.
    fn edit(dir: &Path, change: impl FnOnce(&mut Value)) {
        let path = dir.join("world.json");
        let mut world: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        change(&mut world);
        std::fs::write(&path, serde_json::to_string_pretty(&world).unwrap()).unwrap();
    }

    /// The `i`th account's entry, in the order of the file.
    fn account(world: &mut Value, i: usize) -> &mut serde_json::Map<String, Value> {
        world["accounts"]
            .as_object_mut()
            .unwrap()
            .values_mut()
            .nth(i)
            .unwrap()
            .as_object_mut()
            .unwrap()
    }

    #[test]
    fn a_generated_organization_is_built_side_by_side_as_on_one_thread() {
        let dir = generated("clean");
        assert!(
            kept(&dir),
            "a world with nothing to report is read side by side"
        );
        let world = load(&dir, 0).unwrap();
        assert_eq!(world.accounts.len(), 60);
        assert!(world.accounts.values().any(|a| !a.users.is_empty()));
        same_both_ways(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn what_accounts_report_is_reported_in_order_by_reading_again() {
        // A missing policy file late in the file, an unknown field, and a file read by two
        // accounts that warns (reported once, at its first reference).
        let dir = generated("reported");
        std::fs::write(
            dir.join("warns.json"),
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
        )
        .unwrap();
        edit(&dir, |w| {
            for i in [41, 3] {
                let roles = account(w, i)["roles"].as_object_mut().unwrap();
                let role = roles.values_mut().next().unwrap();
                role["policies"]
                    .as_array_mut()
                    .unwrap()
                    .push("warns.json".into());
            }
            let roles = account(w, 57)["roles"].as_object_mut().unwrap();
            let role = roles.values_mut().last().unwrap();
            role["policies"] = serde_json::json!(["missing.json"]);
            account(w, 30).insert("colour".into(), "blue".into());
        });
        assert!(!kept(&dir));
        let loaded = load(&dir, 0);
        let Err(e) = &loaded else {
            panic!("a missing file is an error")
        };
        let codes: Vec<_> = e.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.contains(&"FILE_NOT_FOUND"), "{codes:?}");
        assert!(codes.contains(&"UNKNOWN_FIELD"), "{codes:?}");
        same_both_ways(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_access_key_of_two_accounts_users_is_reported_where_one_thread_reports_it() {
        let dir = generated("keys");
        let key = "AKIAIOSFODNN7EXAMPLE";
        edit(&dir, |w| {
            for i in [5, 50] {
                let users = account(w, i)["users"].as_object_mut().unwrap();
                let user = users.values_mut().next().unwrap();
                user["access_keys"] = serde_json::json!([key]);
            }
        });
        let loaded = load(&dir, 0);
        let Err(e) = &loaded else {
            panic!("one key, two users")
        };
        assert!(e.diagnostics.iter().any(|d| d.message.contains(key)));
        same_both_ways(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_json_error_in_a_late_account_is_the_only_diagnostic_as_on_one_thread() {
        let dir = generated("json");
        let path = dir.join("world.json");
        let text = std::fs::read_to_string(&path).unwrap();
        // A comma dropped between two members of the last account but one.
        let at = text.rfind("\"roles\"").unwrap();
        let before = text[..at].rfind(',').unwrap();
        let broken = format!("{}{}", &text[..before], &text[before + 1..]);
        std::fs::write(&path, broken).unwrap();
        let loaded = load(&dir, 0);
        let Err(e) = &loaded else {
            panic!("a JSON error")
        };
        assert_eq!(e.diagnostics.len(), 1, "{:?}", e.diagnostics);
        same_both_ways(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
