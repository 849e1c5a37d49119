#![deny(missing_docs)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
//! The world model: AWS accounts with their users, groups, roles, policies, buckets, resources
//! and KMS keys, and their organization, as `world.json` and its policy files describe them
//! (docs/world-format.md).
//!
//! A [`World`] is loaded from a folder ([`World::load`]) or from any [`Files`] reader, such as
//! texts held in memory ([`MemoryFiles`]); loading collects every problem as a diagnostic with
//! its file:line:column, and a world with an error is never returned. Worlds are also produced:
//! [`export`] turns what the AWS CLI prints into a world folder (`iamsim import`), [`synth`]
//! writes generated worlds (`iamsim gen`), and [`iac_world`] builds one from Terraform or
//! CloudFormation files.
//!
//! This crate holds data and how it is read; nothing here decides a request.
//!
//! [`Files`]: iamsim_policy::files::Files

pub mod context;
mod escalation_world;
pub mod export;
pub mod federated;
mod iac;
mod iac_world;
mod iam_name;
mod identity_slot;
pub mod index;
pub mod kms_world;
pub mod load;
mod memory_files;
pub mod question;
pub mod synth;
mod validate;
pub mod world;

pub use escalation_world::MAX_POLICY_VERSIONS;
pub use federated::{Federated, OidcProvider, ProviderKind, SamlProvider};
pub use iac_world::{iac_world, world_policies};
pub use iam_name::{IamKind, IamName};
pub use identity_slot::IdentitySlot;
pub use memory_files::MemoryFiles;
pub use world::{
    Account, BlockPublicAccess, Bucket, Compute, GrantConstraint, Group, InstanceProfile, Key,
    KeyGrant, LoadError, LoadedPolicy, OrgLevel, Organization, PolicyHandle, PolicyVersions,
    Resource, Role, User, World,
};
