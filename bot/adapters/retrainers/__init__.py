"""Retrainers: what `/movie-admin retrain` starts. `base.py` holds the port (`Retrainer`), its
answer and the in-progress rule they share; `lambda_retrainer.py` invokes the retrain Lambda
(AWS); `local_retrainer.py` trains in this process (a laptop, given its training functions)."""
