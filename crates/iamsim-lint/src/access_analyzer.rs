//! IAM Access Analyzer's policy checks (its "policy validation check reference"), each with the
//! iamsim code that reports it or why none does: the source of the README's table and of the
//! `helpUri` of SARIF rules.

use iamsim_policy::{Code, Severity};

/// One Access Analyzer check.
#[derive(Clone, Copy, Debug)]
pub struct AaCheck {
    /// Access Analyzer's issue code.
    pub code: &'static str,
    /// Its finding type: error, security warning, (general) warning or suggestion.
    pub grade: Severity,
    /// The iamsim code that reports it, if any.
    pub ours: Option<&'static str>,
    /// How iamsim differs (another grade, one code for several), or why it has no check.
    pub note: &'static str,
}

/// Every IAM Access Analyzer policy check: its grade, and the code of ours that covers it.
#[rustfmt::skip]
pub const CHECKS: &[AaCheck] = &[
    AaCheck { code: "ARN_ACCOUNT_NOT_ALLOWED", grade: Severity::Error, ours: Some("RESOURCE_TYPE_MISMATCH"), note: "as a warning: an ARN no resource type of the statement's actions has (`BUCKET_NAME_LOOKS_LIKE_ACCOUNT_ID` for S3)" },
    AaCheck { code: "ARN_REGION_NOT_ALLOWED", grade: Severity::Error, ours: Some("RESOURCE_TYPE_MISMATCH"), note: "as a warning, as above" },
    AaCheck { code: "DATA_TYPE_MISMATCH", grade: Severity::Error, ours: Some("INVALID_TYPE"), note: "" },
    AaCheck { code: "DUPLICATE_KEYS_WITH_DIFFERENT_CASE", grade: Severity::Error, ours: Some("DUPLICATE_KEYS_WITH_DIFFERENT_CASE"), note: "exact duplicates are `DUPLICATE_KEY`" },
    AaCheck { code: "INVALID_ACTION", grade: Severity::Error, ours: Some("INVALID_ACTION"), note: "an error for a near miss (a typo), a warning otherwise: an action newer than the embedded catalog must not block CI" },
    AaCheck { code: "INVALID_ARN_ACCOUNT", grade: Severity::Error, ours: Some("INVALID_ARN_ACCOUNT"), note: "" },
    AaCheck { code: "INVALID_ARN_PREFIX", grade: Severity::Error, ours: Some("INVALID_ARN"), note: "" },
    AaCheck { code: "INVALID_ARN_REGION", grade: Severity::Error, ours: Some("INVALID_ARN_REGION"), note: "a warning for a well-shaped code the catalog does not list (a Region newer than it)" },
    AaCheck { code: "INVALID_ARN_RESOURCE", grade: Severity::Error, ours: Some("RESOURCE_TYPE_MISMATCH"), note: "as a warning" },
    AaCheck { code: "INVALID_ARN_SERVICE_CASE", grade: Severity::Error, ours: Some("INVALID_ARN_SERVICE_CASE"), note: "" },
    AaCheck { code: "INVALID_CONDITION_DATA_TYPE", grade: Severity::Error, ours: Some("INVALID_CONDITION_VALUE"), note: "" },
    AaCheck { code: "INVALID_CONDITION_KEY_FORMAT", grade: Severity::Error, ours: Some("INVALID_CONDITION_KEY_FORMAT"), note: "" },
    AaCheck { code: "INVALID_CONDITION_MULTIPLE_BOOLEAN", grade: Severity::Error, ours: Some("INVALID_CONDITION_MULTIPLE_BOOLEAN"), note: "" },
    AaCheck { code: "INVALID_CONDITION_OPERATOR", grade: Severity::Error, ours: Some("UNKNOWN_CONDITION_OPERATOR"), note: "" },
    AaCheck { code: "INVALID_EFFECT", grade: Severity::Error, ours: Some("INVALID_EFFECT"), note: "" },
    AaCheck { code: "INVALID_GLOBAL_CONDITION_KEY", grade: Severity::Error, ours: Some("INVALID_GLOBAL_CONDITION_KEY"), note: "as a warning: IAM accepts the policy (the key is always absent), and a key newer than the catalog must not block CI" },
    AaCheck { code: "INVALID_PARTITION", grade: Severity::Error, ours: Some("INVALID_ARN"), note: "a partition that is not lower-case letters and dashes; per-service partition support is not in the catalog" },
    AaCheck { code: "INVALID_POLICY_ELEMENT", grade: Severity::Error, ours: Some("UNKNOWN_ELEMENT"), note: "" },
    AaCheck { code: "INVALID_PRINCIPAL_FORMAT", grade: Severity::Error, ours: Some("INVALID_PRINCIPAL"), note: "" },
    AaCheck { code: "INVALID_PRINCIPAL_KEY", grade: Severity::Error, ours: Some("INVALID_PRINCIPAL_KEY"), note: "" },
    AaCheck { code: "INVALID_REGION", grade: Severity::Error, ours: Some("INVALID_REGION"), note: "`aws:RequestedRegion` values; a warning for a well-shaped code the catalog does not list" },
    AaCheck { code: "INVALID_SERVICE", grade: Severity::Error, ours: Some("INVALID_SERVICE_CONDITION_KEY"), note: "for condition keys; for actions `INVALID_SERVICE_IN_ACTION`" },
    AaCheck { code: "INVALID_SERVICE_CONDITION_KEY", grade: Severity::Error, ours: Some("INVALID_SERVICE_CONDITION_KEY"), note: "as a warning, as `INVALID_GLOBAL_CONDITION_KEY`" },
    AaCheck { code: "INVALID_SERVICE_IN_ACTION", grade: Severity::Error, ours: Some("INVALID_SERVICE_IN_ACTION"), note: "an error for a near miss, a warning otherwise (retired services stay in live policies)" },
    AaCheck { code: "INVALID_SERVICE_PRINCIPAL_FORMAT", grade: Severity::Error, ours: Some("INVALID_SERVICE_PRINCIPAL_FORMAT"), note: "values of the keys that hold service principals (`iam:PassedToService`, `aws:PrincipalServiceName`, `kms:ViaService`, ...)" },
    AaCheck { code: "INVALID_VARIABLE_FOR_OPERATOR", grade: Severity::Error, ours: Some("INVALID_POLICY_VARIABLE"), note: "" },
    AaCheck { code: "INVALID_VERSION", grade: Severity::Error, ours: Some("INVALID_VERSION"), note: "" },
    AaCheck { code: "JSON_SYNTAX_ERROR", grade: Severity::Error, ours: Some("JSON_SYNTAX_ERROR"), note: "" },
    AaCheck { code: "MISSING_ACTION", grade: Severity::Error, ours: Some("MISSING_ACTION"), note: "" },
    AaCheck { code: "MISSING_ARN_FIELD", grade: Severity::Error, ours: Some("INVALID_ARN"), note: "" },
    AaCheck { code: "MISSING_ARN_REGION", grade: Severity::Error, ours: Some("RESOURCE_TYPE_MISMATCH"), note: "as a warning" },
    AaCheck { code: "MISSING_EFFECT", grade: Severity::Error, ours: Some("MISSING_EFFECT"), note: "" },
    AaCheck { code: "MISSING_PRINCIPAL", grade: Severity::Error, ours: Some("MISSING_PRINCIPAL"), note: "" },
    AaCheck { code: "MISSING_QUALIFIER", grade: Severity::Error, ours: Some("MISSING_QUALIFIER"), note: "as a warning: IAM accepts the policy" },
    AaCheck { code: "MISSING_RESOURCE", grade: Severity::Error, ours: Some("MISSING_RESOURCE"), note: "" },
    AaCheck { code: "MISSING_STATEMENT", grade: Severity::Error, ours: Some("MISSING_STATEMENT"), note: "" },
    AaCheck { code: "MISSING_TAG_KEY_IN_CONDITION", grade: Severity::Error, ours: Some("MISSING_TAG_KEY_IN_CONDITION"), note: "" },
    AaCheck { code: "NULL_WITH_IF_EXISTS", grade: Severity::Error, ours: Some("UNKNOWN_CONDITION_OPERATOR"), note: "`NullIfExists` is no operator" },
    AaCheck { code: "SCP_SYNTAX_ERROR_ACTION_WILDCARD", grade: Severity::Error, ours: None, note: "SCPs take wildcards anywhere in an action since September 2025 (1.20)" },
    AaCheck { code: "SCP_SYNTAX_ERROR_ALLOW_CONDITION", grade: Severity::Error, ours: Some("PROHIBITED_ELEMENT"), note: "where the SCP grammar (1.26) prohibits the element" },
    AaCheck { code: "SCP_SYNTAX_ERROR_ALLOW_NOTACTION", grade: Severity::Error, ours: Some("PROHIBITED_ELEMENT"), note: "as above" },
    AaCheck { code: "SCP_SYNTAX_ERROR_ALLOW_RESOURCE", grade: Severity::Error, ours: Some("PROHIBITED_ELEMENT"), note: "as above" },
    AaCheck { code: "SCP_SYNTAX_ERROR_NOTRESOURCE", grade: Severity::Error, ours: Some("PROHIBITED_ELEMENT"), note: "as above" },
    AaCheck { code: "SCP_SYNTAX_ERROR_PRINCIPAL", grade: Severity::Error, ours: Some("PROHIBITED_ELEMENT"), note: "" },
    AaCheck { code: "UNIQUE_SIDS_REQUIRED", grade: Severity::Error, ours: Some("INVALID_SID"), note: "" },
    AaCheck { code: "UNSUPPORTED_ELEMENT_COMBINATION", grade: Severity::Error, ours: Some("CONFLICTING_ELEMENTS"), note: "" },
    AaCheck { code: "UNSUPPORTED_GLOBAL_CONDITION_KEY", grade: Severity::Error, ours: Some("INVALID_GLOBAL_CONDITION_KEY"), note: "`aws:ARN`, as a warning" },
    AaCheck { code: "UNSUPPORTED_PRINCIPAL", grade: Severity::Error, ours: Some("PROHIBITED_ELEMENT"), note: "" },
    AaCheck { code: "UNSUPPORTED_SID", grade: Severity::Error, ours: Some("INVALID_SID"), note: "" },
    AaCheck { code: "UNSUPPORTED_WILDCARD_IN_PRINCIPAL", grade: Severity::Error, ours: Some("PRINCIPAL_PARTIAL_WILDCARD"), note: "" },
    AaCheck { code: "MISSING_BRACE_IN_VARIABLE", grade: Severity::Error, ours: Some("INVALID_POLICY_VARIABLE"), note: "one code for every malformed `${...}`" },
    AaCheck { code: "UNSUPPORTED_SYMBOL_IN_VARIABLE", grade: Severity::Error, ours: Some("INVALID_POLICY_VARIABLE"), note: "" },
    AaCheck { code: "MISSING_QUOTE_IN_VARIABLE", grade: Severity::Error, ours: Some("INVALID_POLICY_VARIABLE"), note: "" },
    AaCheck { code: "UNSUPPORTED_SPACE_IN_VARIABLE", grade: Severity::Error, ours: Some("INVALID_POLICY_VARIABLE"), note: "" },
    AaCheck { code: "EMPTY_VARIABLE", grade: Severity::Error, ours: Some("INVALID_POLICY_VARIABLE"), note: "" },
    AaCheck { code: "VARIABLE_UNSUPPORTED_IN_ELEMENT", grade: Severity::Error, ours: Some("INVALID_POLICY_VARIABLE"), note: "" },
    AaCheck { code: "VARIABLE_UNSUPPORTED_IN_VERSION", grade: Severity::Error, ours: Some("MISSING_VERSION"), note: "a variable without `Version` is literal text (1.7)" },
    AaCheck { code: "PRIVATE_IP_ADDRESS", grade: Severity::Error, ours: Some("PRIVATE_IP_ADDRESS"), note: "" },
    AaCheck { code: "PRIVATE_NOT_IP_ADDRESS", grade: Severity::Error, ours: Some("PRIVATE_NOT_IP_ADDRESS"), note: "" },
    AaCheck { code: "POLICY_SIZE_EXCEEDS_SCP_QUOTA", grade: Severity::Error, ours: Some("POLICY_SIZE_EXCEEDS_SCP_QUOTA"), note: "" },
    AaCheck { code: "CREATE_SLR_WITH_NOT_RESOURCE", grade: Severity::Warning, ours: Some("CREATE_SLR_WITH_NOT_RESOURCE"), note: "" },
    AaCheck { code: "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", grade: Severity::Warning, ours: Some("CREATE_SLR_WITH_NOT_RESOURCE"), note: "one code for every `NotResource` grant" },
    AaCheck { code: "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE", grade: Severity::Warning, ours: Some("CREATE_SLR_WITH_NOT_RESOURCE"), note: "as above" },
    AaCheck { code: "CREATE_SLR_WITH_STAR_IN_RESOURCE", grade: Severity::Warning, ours: Some("CREATE_SLR_WITH_STAR_IN_RESOURCE"), note: "" },
    AaCheck { code: "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE", grade: Severity::Warning, ours: Some("CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE"), note: "" },
    AaCheck { code: "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", grade: Severity::Warning, ours: Some("CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION"), note: "" },
    AaCheck { code: "DEPRECATED_GLOBAL_CONDITION_KEY", grade: Severity::Warning, ours: Some("INVALID_GLOBAL_CONDITION_KEY"), note: "`aws:ARN` is not in the catalog" },
    AaCheck { code: "INVALID_DATE_VALUE", grade: Severity::Warning, ours: Some("INVALID_DATE"), note: "an error: a date iamsim cannot read makes the condition undecidable (3.10)" },
    AaCheck { code: "INVALID_ROLE_REFERENCE", grade: Severity::Warning, ours: Some("INVALID_ROLE_REFERENCE"), note: "" },
    AaCheck { code: "INVALID_USER_REFERENCE", grade: Severity::Warning, ours: Some("INVALID_USER_REFERENCE"), note: "" },
    AaCheck { code: "MISSING_VERSION", grade: Severity::Warning, ours: Some("MISSING_VERSION"), note: "" },
    AaCheck { code: "UNIQUE_SIDS_RECOMMENDED", grade: Severity::Warning, ours: Some("INVALID_SID"), note: "an error: IAM refuses a repeated `Sid` (1.9)" },
    AaCheck { code: "WILDCARD_WITHOUT_LIKE_OPERATOR", grade: Severity::Warning, ours: Some("WILDCARD_WITHOUT_LIKE_OPERATOR"), note: "" },
    AaCheck { code: "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", grade: Severity::Warning, ours: Some("POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"), note: "" },
    AaCheck { code: "TYPE_MISMATCH", grade: Severity::Warning, ours: Some("TYPE_MISMATCH"), note: "" },
    AaCheck { code: "TYPE_MISMATCH_BOOLEAN", grade: Severity::Warning, ours: Some("INVALID_CONDITION_VALUE"), note: "an error: a value the operator cannot read" },
    AaCheck { code: "TYPE_MISMATCH_DATE", grade: Severity::Warning, ours: Some("INVALID_DATE"), note: "an error, as above" },
    AaCheck { code: "TYPE_MISMATCH_IP_RANGE", grade: Severity::Warning, ours: Some("INVALID_IP_ADDRESS"), note: "an error, as above" },
    AaCheck { code: "TYPE_MISMATCH_NUMBER", grade: Severity::Warning, ours: Some("INVALID_CONDITION_VALUE"), note: "an error, as above" },
    AaCheck { code: "TYPE_MISMATCH_STRING", grade: Severity::Warning, ours: Some("INVALID_CONDITION_VALUE"), note: "an error, as above" },
    AaCheck { code: "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS", grade: Severity::Warning, ours: Some("STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS"), note: "" },
    AaCheck { code: "EQUIVALENT_TO_NULL_FALSE", grade: Severity::Warning, ours: Some("EQUIVALENT_TO_NULL_FALSE"), note: "" },
    AaCheck { code: "ALLOW_WITH_NOT_PRINCIPAL", grade: Severity::Security, ours: Some("ALLOW_WITH_NOT_PRINCIPAL"), note: "an error (1.16)" },
    AaCheck { code: "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", grade: Severity::Security, ours: Some("DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"), note: "names an action of the catalog that the statement covers and that lacks the key" },
    AaCheck { code: "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", grade: Severity::Security, ours: Some("DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"), note: "per service with no action in the statement that supports the key" },
    AaCheck { code: "FORALLVALUES_WITH_SINGLE_VALUED_KEY", grade: Severity::Security, ours: Some("SET_OPERATOR_ON_SINGLE_VALUED_KEY"), note: "security in an `Allow`, a warning otherwise" },
    AaCheck { code: "MISSING_PAIRED_CONDITION_KEYS", grade: Severity::Security, ours: Some("MISSING_PAIRED_CONDITION_KEYS"), note: "`aws:VpcSourceIp` without `aws:SourceVpc`/`aws:SourceVpce`" },
    AaCheck { code: "PASS_ROLE_WITH_NOT_RESOURCE", grade: Severity::Security, ours: Some("PASS_ROLE_WITH_NOT_RESOURCE"), note: "" },
    AaCheck { code: "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", grade: Severity::Security, ours: Some("PASS_ROLE_WITH_NOT_RESOURCE"), note: "one code for every `NotResource` grant" },
    AaCheck { code: "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", grade: Severity::Security, ours: Some("PASS_ROLE_WITH_NOT_RESOURCE"), note: "as above" },
    AaCheck { code: "PASS_ROLE_WITH_STAR_IN_RESOURCE", grade: Severity::Security, ours: Some("PASS_ROLE_WITH_STAR_IN_RESOURCE"), note: "" },
    AaCheck { code: "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", grade: Severity::Security, ours: Some("PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"), note: "" },
    AaCheck { code: "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", grade: Severity::Security, ours: Some("PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION"), note: "" },
    AaCheck { code: "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", grade: Severity::Suggestion, ours: Some("ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"), note: "as its `Deny` twin" },
    AaCheck { code: "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", grade: Severity::Suggestion, ours: Some("ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"), note: "per service, as its `Deny` twin" },
    AaCheck { code: "EMPTY_ARRAY_ACTION", grade: Severity::Suggestion, ours: Some("EMPTY_LIST"), note: "an error: IAM refuses an empty list (1.2)" },
    AaCheck { code: "EMPTY_ARRAY_CONDITION", grade: Severity::Suggestion, ours: Some("EMPTY_LIST"), note: "as above" },
    AaCheck { code: "EMPTY_ARRAY_CONDITION_FORALLVALUES", grade: Severity::Suggestion, ours: Some("EMPTY_LIST"), note: "as above" },
    AaCheck { code: "EMPTY_ARRAY_CONDITION_FORANYVALUE", grade: Severity::Suggestion, ours: Some("EMPTY_LIST"), note: "as above" },
    AaCheck { code: "EMPTY_ARRAY_CONDITION_IFEXISTS", grade: Severity::Suggestion, ours: Some("EMPTY_LIST"), note: "as above" },
    AaCheck { code: "EMPTY_ARRAY_PRINCIPAL", grade: Severity::Suggestion, ours: Some("EMPTY_LIST"), note: "as above" },
    AaCheck { code: "EMPTY_ARRAY_RESOURCE", grade: Severity::Suggestion, ours: Some("EMPTY_LIST"), note: "as above" },
    AaCheck { code: "EMPTY_OBJECT_CONDITION", grade: Severity::Suggestion, ours: Some("EMPTY_OBJECT_CONDITION"), note: "" },
    AaCheck { code: "EMPTY_OBJECT_PRINCIPAL", grade: Severity::Suggestion, ours: Some("EMPTY_LIST"), note: "as above" },
    AaCheck { code: "EMPTY_SID_VALUE", grade: Severity::Suggestion, ours: Some("EMPTY_SID_VALUE"), note: "" },
    AaCheck { code: "IMPROVE_IP_RANGE", grade: Severity::Suggestion, ours: Some("IMPROVE_IP_RANGE"), note: "" },
    AaCheck { code: "NULL_WITH_QUALIFIER", grade: Severity::Suggestion, ours: Some("UNKNOWN_CONDITION_OPERATOR"), note: "an error: `Null` takes no set prefix" },
    AaCheck { code: "PRIVATE_IP_ADDRESS_SUBSET", grade: Severity::Suggestion, ours: Some("PRIVATE_IP_ADDRESS_SUBSET"), note: "" },
    AaCheck { code: "PRIVATE_NOT_IP_ADDRESS_SUBSET", grade: Severity::Suggestion, ours: Some("PRIVATE_NOT_IP_ADDRESS_SUBSET"), note: "" },
    AaCheck { code: "REDUNDANT_ACTION", grade: Severity::Suggestion, ours: Some("REDUNDANT_ACTION"), note: "" },
    AaCheck { code: "REDUNDANT_CONDITION_VALUE_NUM", grade: Severity::Suggestion, ours: Some("REDUNDANT_CONDITION_VALUE_NUM"), note: "" },
    AaCheck { code: "REDUNDANT_RESOURCE", grade: Severity::Suggestion, ours: Some("REDUNDANT_RESOURCE"), note: "" },
    AaCheck { code: "REDUNDANT_STATEMENT", grade: Severity::Suggestion, ours: Some("REDUNDANT_STATEMENT"), note: "the same effect, actions, resources, principals and conditions, `Sid` aside" },
    AaCheck { code: "WILDCARD_IN_SERVICE_NAME", grade: Severity::Suggestion, ours: Some("SERVICE_PREFIX_WILDCARD"), note: "as a warning" },
];

const REFERENCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";

fn grade_anchor(grade: Severity) -> &'static str {
    match grade {
        Severity::Error => "error",
        Severity::Security => "security-warning",
        Severity::Warning => "general-warning",
        Severity::Suggestion => "suggestion",
    }
}

/// Where a person reads about `code`: Access Analyzer's entry for the check when the code is
/// Access Analyzer's own, else the IAM JSON policy reference.
pub fn help_uri(code: Code) -> String {
    match CHECKS.iter().find(|c| c.code == code.as_str()) {
        Some(c) => format!(
            "{REFERENCE}#access-analyzer-reference-policy-checks-{}-{}",
            grade_anchor(c.grade),
            c.code.to_ascii_lowercase().replace('_', "-")
        ),
        None => "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html"
            .to_string(),
    }
}

/// The README's table: one row per check.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| Access Analyzer check | grade | iamsim | note |\n|---|---|---|---|\n");
    for c in CHECKS {
        let ours = c
            .ours
            .map(|o| format!("`{o}`"))
            .unwrap_or_else(|| "—".into());
        out.push_str(&format!(
            "| `{}` | {} | {ours} | {} |\n",
            c.code,
            c.grade.as_str(),
            c.note
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_named_is_ours_and_every_check_is_listed_once() {
        for c in CHECKS {
            if let Some(o) = c.ours {
                assert!(
                    Code::parse(o).is_some(),
                    "{}: `{o}` is no iamsim code",
                    c.code
                );
            } else {
                assert!(!c.note.is_empty(), "{}: say why there is no check", c.code);
            }
            assert_eq!(
                CHECKS.iter().filter(|d| d.code == c.code).count(),
                1,
                "{}",
                c.code
            );
            // Where iamsim uses Access Analyzer's code, it uses its grade too, or says why not.
            if let (Some(o), Some(code)) = (c.ours, Code::parse(c.code)) {
                if o == c.code {
                    assert!(
                        code.severity() == c.grade || !c.note.is_empty(),
                        "{}: graded {} here, {} by Access Analyzer",
                        c.code,
                        code.severity(),
                        c.grade
                    );
                }
            }
        }
    }

    #[test]
    fn the_readme_table_is_this_table() {
        let readme = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"),
        )
        .unwrap();
        assert!(
            readme.contains(&markdown_table()),
            "README.md's Access Analyzer table differs; it is:\n{}",
            markdown_table()
        );
    }

    #[test]
    fn help_uris_point_at_access_analyzer_entries() {
        assert_eq!(
            help_uri(Code::PassRoleWithStarInResource),
            format!("{REFERENCE}#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource")
        );
        assert!(help_uri(Code::BucketNameLooksLikeAccountId).starts_with("https://"));
    }
}
