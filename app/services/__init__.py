"""Business rules, one module per topic. No request, flash or templates here."""
