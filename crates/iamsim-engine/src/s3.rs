//! Amazon S3 specifics: Block Public Access (7.10). What makes a bucket policy public (7.11) is
//! [`iamsim_policy::public`].

use iamsim_world::{Bucket, World};

/// Is RestrictPublicBuckets in force for the bucket (bucket or account level, 7.10)?
pub fn restrict_public_buckets(world: &World, bucket: &Bucket) -> bool {
    bucket.block_public_access.restrict_public_buckets
        || world
            .account(&bucket.account)
            .is_some_and(|a| a.block_public_access.restrict_public_buckets)
}
