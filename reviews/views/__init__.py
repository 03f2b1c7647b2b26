"""Views of the reviews app: the reviewer area, the staff pages of instruction, the jury."""
