"""reportlab.lib.rl_accel takes its C speed-ups from the top-level extension ``_rl_accel``
(the rl-accel distribution) through ``exec("from _rl_accel import ...")``, which PyInstaller's
import analysis cannot read. Without it the bundle falls back to reportlab's pure-Python
functions and the 1,000-order access report misses its 1 s target."""

hiddenimports = ["_rl_accel"]
