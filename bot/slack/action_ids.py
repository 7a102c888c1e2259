"""The action, block and callback ids the bot's messages and views carry, shared by the
builders that set them and the listeners that match them.

Action ids carry a suffix (":<n>") so several buttons can share a block; listeners match on
the prefix.
"""

MORE_LIKE = "more_like_this"
SHOW_MORE = "show_more"
DID_YOU_MEAN = "did_you_mean"
DROP_CONSTRAINT = "drop_constraint"
MARK_MENU = "mark_menu"
SHARE = "share_answer"
REMOVE_MARK = "remove_mark"
MODAL_CALLBACK = "movie_modal"
MODAL_BLOCK = "movie_block"
MODAL_SELECT = "movie_select"
# The movie night message (bot.slack.night_blocks) and its modal.
NIGHT_VOTE = "night_vote"
NIGHT_JOIN = "night_join"
NIGHT_FAVOURITE = "night_favourite"
NIGHT_SUGGEST = "night_suggest"
NIGHT_CLOSE = "night_close"
NIGHT_WATCHED = "night_watched"
NIGHT_PICK = "night_pick"  # a did-you-mean for a favourite or a suggestion
NIGHT_MODAL_CALLBACK = "night_modal"
