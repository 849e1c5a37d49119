//! Worlds of AWS accounts, the IAM decision logic, explanations and role-chain search.
