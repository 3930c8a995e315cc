"""Error tolerance (reserved): the 容错纠错 review of an official's online statement
or reply that went wrong, with pilot approaches registered beforehand (事前备案).
"""
