"""Demo photos of labelled projects, drawn by Pillow (no photo file ships with the code).

Each scene is simple and deterministic — a sky gradient, a slag heap on the horizon, the
ground and a few shapes telling the project — so that running the demo twice draws the same
pixels. The photos go through the portal's own workflow: the holder proposes, staff approve.
"""

import random
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

SCENE_SIZE = (1600, 1000)
HORIZON = 640


def _sky(draw, top, bottom):
    width, _height = SCENE_SIZE
    for y in range(HORIZON):
        ratio = y / HORIZON
        colour = tuple(round(a + (b - a) * ratio) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)


def _landscape(draw, rng, *, sun, ground):
    """Sun, a slag heap (the mining basin's terril) and the ground."""
    width, height = SCENE_SIZE
    x, y, radius = sun
    draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(255, 224, 140))
    peak = rng.randint(420, 700)
    draw.polygon(
        [(peak - 380, HORIZON), (peak, HORIZON - 230), (peak + 420, HORIZON)], fill=(70, 74, 82)
    )
    draw.polygon(
        [(peak - 120, HORIZON - 80), (peak, HORIZON - 230), (peak + 60, HORIZON - 150)],
        fill=(96, 120, 84),
    )
    draw.rectangle([0, HORIZON, width, height], fill=ground)


def _tree(draw, x, base, size):
    draw.rectangle([x - size // 10, base - size, x + size // 10, base], fill=(92, 64, 40))
    draw.ellipse([x - size // 2, base - size * 2, x + size // 2, base - size], fill=(52, 120, 60))


def _ressourcerie(draw, rng):
    """A workshop with its door open, crates of objects given a second life."""
    _landscape(draw, rng, sun=(1320, 180, 70), ground=(150, 146, 132))
    draw.rectangle([300, 360, 1100, 760], fill=(176, 72, 48))
    draw.polygon([(260, 370), (700, 200), (1140, 370)], fill=(90, 52, 44))
    draw.rectangle([600, 520, 800, 760], fill=(60, 40, 32))
    for x in (380, 880):
        draw.rectangle([x, 440, x + 140, 540], fill=(220, 236, 240))
    colours = [(230, 180, 40), (60, 130, 200), (200, 80, 120), (80, 170, 110)]
    for index in range(6):
        x = 1160 + (index % 3) * 120
        y = 820 - (index // 3) * 90
        draw.rectangle([x, y, x + 100, y + 80], fill=colours[rng.randrange(len(colours))])


def _jardins(draw, rng):
    """Raised garden beds in front of the miners' houses, and a fence."""
    _landscape(draw, rng, sun=(260, 160, 80), ground=(120, 150, 80))
    for index in range(5):
        x = 80 + index * 300
        draw.rectangle([x, 430, x + 240, HORIZON], fill=(150, 70, 50))
        draw.polygon([(x - 10, 440), (x + 120, 360), (x + 250, 440)], fill=(80, 60, 60))
    for row in range(2):
        for index in range(4):
            x = 140 + index * 360
            y = 720 + row * 150
            draw.rectangle([x, y, x + 280, y + 90], fill=(110, 78, 48))
            for leaf in range(5):
                cx = x + 30 + leaf * 55
                size = rng.randint(22, 34)
                draw.ellipse([cx - size, y - size, cx + size, y + size // 2], fill=(46, 140, 62))
    for x in range(0, SCENE_SIZE[0], 60):
        draw.rectangle([x, 660, x + 10, 700], fill=(230, 220, 200))
    draw.rectangle([0, 672, SCENE_SIZE[0], 680], fill=(230, 220, 200))


def _bicycle(draw, x, y, colour):
    for wheel in (x, x + 150):
        draw.ellipse([wheel - 55, y - 55, wheel + 55, y + 55], outline=(30, 30, 30), width=8)
    frame = [(x, y), (x + 60, y - 80), (x + 150, y), (x + 75, y), (x, y)]
    draw.line(frame, fill=colour, width=10)
    draw.line([(x + 60, y - 80), (x + 130, y - 80), (x + 150, y)], fill=colour, width=10)


def _velo_ecole(draw, rng):
    """A cycle track between trees, bicycles of the school's learners on it."""
    _landscape(draw, rng, sun=(1200, 140, 60), ground=(110, 160, 90))
    draw.polygon([(0, 900), (1600, 740), (1600, 860), (0, 1000)], fill=(90, 90, 96))
    for x in range(40, 1600, 200):
        draw.line([(x, 940 - x * 0.1), (x + 80, 932 - x * 0.1)], fill=(240, 240, 240), width=6)
    for x in range(120, 1600, 330):
        _tree(draw, x + rng.randint(-30, 30), 700, rng.randint(90, 120))
    for index, colour in enumerate([(220, 60, 60), (40, 110, 200), (240, 170, 30)]):
        _bicycle(draw, 260 + index * 420, 880 - index * 40, colour)


SCENES = {
    "ressourcerie": (_ressourcerie, (120, 170, 220), (236, 214, 190)),
    "jardins": (_jardins, (90, 160, 230), (214, 232, 244)),
    "velo": (_velo_ecole, (70, 140, 220), (200, 226, 246)),
    "ressourcerie-soir": (_ressourcerie, (48, 52, 110), (246, 150, 96)),
}


def scene_jpeg(name, *, seed=2026):
    """A drawn scene as a JPEG upload (deterministic for a name and a seed)."""
    painter, top, bottom = SCENES[name]
    image = Image.new("RGB", SCENE_SIZE)
    draw = ImageDraw.Draw(image)
    _sky(draw, top, bottom)
    painter(draw, random.Random(f"{name}-{seed}"))  # noqa: S311 -- a drawing, not a secret
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")


# (project title, scene, alt text, credit); approved through the workflow.
DEMO_PHOTOS = [
    (
        "Ressourcerie du Lensois",
        "ressourcerie",
        "L'atelier de la ressourcerie, porte ouverte, et des caisses d'objets triés devant.",
        "Association Terre d'Artois",
    ),
    (
        "Jardins partagés de la cité 12",
        "jardins",
        "Des bacs de potager plantés devant les maisons de la cité, un terril à l'horizon.",
        "Collectif des jardiniers de la cité 12",
    ),
    (
        "Vélo-école de Liévin",
        "velo",
        "Trois vélos sur la piste d'apprentissage bordée d'arbres.",
        "Association Roulons ensemble",
    ),
]
# A second photo of the first project, proposed and not yet decided.
DEMO_PENDING_PHOTO = (
    "Ressourcerie du Lensois",
    "ressourcerie-soir",
    "L'atelier de la ressourcerie au coucher du soleil, les caisses rangées devant.",
    "Association Terre d'Artois",
)


def catalogue_photos_ensure(staff):
    """Three labelled demo projects get an approved photo, and one a pending proposal.

    Safe to run again: nothing is added once a demo photo exists. Returns the photos made.
    """
    from catalogue.models import CatalogueEntry, ProjectPhoto
    from catalogue.photos import photo_approve, photo_propose

    if ProjectPhoto.objects.exists():
        return []
    made = []
    for title, scene, alt, credit in [*DEMO_PHOTOS, DEMO_PENDING_PHOTO]:
        entry = (
            CatalogueEntry.objects.select_related("source_application__owner")
            .filter(source_application__title=title, is_published=True)
            .first()
        )
        if entry is None:
            continue
        photo = photo_propose(
            entry=entry,
            by=entry.source_application.owner,
            upload=scene_jpeg(scene),
            alt=alt,
            credit=credit,
            consent=True,
        )
        if (title, scene, alt, credit) != DEMO_PENDING_PHOTO:
            photo = photo_approve(photo=photo, by=staff)
        made.append(photo)
    return made
