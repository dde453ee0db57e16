"""Pictures with known content for measuring OCR: rendered document pages and flat portraits.

Used by the tests and ``bench/ocr.py``. Text is drawn with Pillow (its bundled
raqm shapes Arabic script right to left); fonts come from Debian packages
(fonts-wqy-microhei for Chinese, fonts-dejavu-core for Uyghur).
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
ARABIC_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
A4_300DPI = (2480, 3508)

# A made-up county police notice of the kind found in the Xinjiang Police Files.
NOTICE_ZH = (
    "喀什地区疏附县公安局关于加强教育转化培训中心安全管理工作的通知",
    "各派出所、看守所、教培中心：为进一步落实自治区党委关于维护社会稳定",
    "和长治久安的总目标，现将2018年第一季度重点人员排查情况通报如下。",
    "一、截至3月31日，全县共排查重点人员1256人，其中已收押412人，",
    "送教育转化培训中心738人，其余人员由社区民警和驻村工作队落实管控。",
    "二、各单位要严格执行“四个一律”要求，对逃跑人员一律开枪击毙，",
    "监控视频必须全覆盖，不留死角，夜间巡逻每两小时不少于一次。",
    "三、学员家属会见须经所长批准，会见时全程录音录像，严禁私自传递物品。",
    "四、请于4月5日前将本单位人员名单（姓名、身份证号码、民族、住址）报县局。",
    "联系人：买合买提·达吾提 电话：0998-5621234 身份证号：653121198503150417",
)

# Kashgar prefecture, Konasheher county police bureau / list of students of the training centre / name, born.
NOTICE_UG = (
    "قەشقەر ۋىلايىتى كونىشەھەر ناھىيىلىك ساقچى ئىدارىسى",
    "تەربىيىلەش مەركىزىدىكى ئوقۇغۇچىلار تىزىملىكى",
    "ئىسمى: مەمتىمىن داۋۇت، تۇغۇلغان ۋاقتى: 1985-يىل",
)


def render_page(lines: tuple[str, ...] | list[str], size: tuple[int, int] = A4_300DPI, font_px: int = 50,
                font: Path = CJK_FONT, rtl: bool = False, margin: int = 200) -> Image.Image:
    """A white grayscale page with ``lines`` drawn at ``font_px`` (50 px is 12 pt at 300 dpi)."""
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    face = ImageFont.truetype(str(font), font_px)
    y = margin
    for line in lines:
        if rtl:
            draw.text((size[0] - margin, y), line, font=face, fill=0, anchor="ra", direction="rtl")
        else:
            draw.text((margin, y), line, font=face, fill=0)
        y += int(font_px * 1.8)
    return page


def scanned(page: Image.Image, seed: int = 0, angle: float = 0.5, noise: float = 12.0,
            blur: float = 0.6) -> Image.Image:
    """A scanner's version of ``page``: slightly rotated, blurred, grey and noisy."""
    rng = random.Random(seed)
    out = page.convert("L").rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
    out = out.filter(ImageFilter.GaussianBlur(blur)).point(lambda v: 40 + v * 175 // 255)
    grain = Image.effect_noise(out.size, noise)
    out = Image.blend(out, grain, 0.25 + rng.random() * 0.05)
    return out


def portrait(seed: int, size: tuple[int, int] = (480, 640)) -> Image.Image:
    """A flat abstract figure on a light-grey background, like a detainee photo without detail."""
    rng = random.Random(seed)
    w, h = size
    g = rng.randint(195, 235)
    image = Image.new("RGB", size, (g, g, min(255, g + rng.randint(-6, 6))))
    draw = ImageDraw.Draw(image)
    skin = tuple(rng.randint(110, 225) for _ in range(3))
    cloth = tuple(rng.randint(15, 130) for _ in range(3))
    hair = tuple(rng.randint(5, 70) for _ in range(3))
    cx = w // 2 + rng.randint(-w // 16, w // 16)
    head = rng.uniform(0.16, 0.21) * w
    draw.ellipse([cx - w * 0.36, h * 0.63, cx + w * 0.36, h * 1.3], fill=cloth)
    if rng.random() < 0.5:  # a collar
        collar = [(cx - w * 0.1, h * 0.64), (cx, h * 0.75), (cx + w * 0.1, h * 0.64)]
        draw.polygon(collar, fill=(230, 230, 230))
    draw.rectangle([cx - head * 0.4, h * 0.5, cx + head * 0.4, h * 0.67], fill=skin)
    draw.ellipse([cx - head, h * 0.18, cx + head, h * 0.56], fill=skin)
    draw.chord([cx - head * 1.05, h * 0.15, cx + head * 1.05, h * 0.45], 180, 360, fill=hair)
    for dx in (-0.45 * head, 0.45 * head):
        draw.ellipse([cx + dx - 9, h * 0.34, cx + dx + 9, h * 0.37], fill=(25, 25, 25))
    draw.line([cx - head * 0.3, h * 0.47, cx + head * 0.3, h * 0.47], fill=(120, 50, 50), width=4)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.6)))
    grain = Image.effect_noise(size, rng.uniform(4, 14)).convert("RGB")
    return Image.blend(image, grain, 0.08)
