"""Custom actions of the assistant; rasa-sdk discovers every Action in this package."""
