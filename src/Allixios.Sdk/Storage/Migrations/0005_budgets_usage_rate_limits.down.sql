-- Undoes 0005_budgets_usage_rate_limits.
DROP TABLE IF EXISTS rate_limit_windows;
DROP TABLE IF EXISTS usage_ledger;
DROP TABLE IF EXISTS budget_holds;
DROP TABLE IF EXISTS budget_reservations;
DROP TABLE IF EXISTS budgets;
