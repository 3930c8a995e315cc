"""Online research (reserved): officials' research logs counted toward the quota.
"""
