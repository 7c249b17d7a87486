"""Field work: sweeps, patrols, spot checks, look-backs (回头看), public tips (举报) and 督查跟踪台账."""
