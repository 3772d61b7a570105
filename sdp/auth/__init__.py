"""Staff users, their roles, API tokens and the checks that use them."""
