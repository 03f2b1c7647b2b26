"""The call's form of each wave: its sections and questions, declared once and read everywhere.

Staff edit it in /instruction/vagues/<n>/formulaire/; `callforms.declaration.form_for(wave)`
gives every other part of the portal (dossier editor, completeness, PDFs, exports,
retention) the same frozen description. This app sits between `accounts` and `applications`:
it imports only `label` and Django; what it needs from the apps above comes through
`callforms.registry`, and what they must do when the form changes through `callforms.signals`.
"""
