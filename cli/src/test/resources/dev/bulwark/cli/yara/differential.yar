// Rules exercising every construct yara 4.2.3 supports; used by YaraDifferentialTest.
rule text_plain : tag1 tag2 {
  meta: author = "bulwark" score = 7 enabled = true
  strings: $a = "hello" $b = "world" fullword
  condition: any of them
}
rule text_mods {
  strings:
    $n = "HeLLo" nocase
    $w = "abc" wide
    $wa = "abc" wide ascii
    $f = "key" fullword nocase
    $p = "hidden" private
  condition: any of them
}
rule text_xor { strings: $x = "secret" xor $y = "Secr" xor(1-3) wide condition: any of them }
rule text_b64 { strings: $b = "base64 text" base64 $c = "wide one" base64wide condition: any of them }
rule hex_all {
  strings:
    $h1 = { 41 42 ?? 44 }
    $h2 = { 4? ?2 [1-3] 45 }
    $h3 = { 61 ( 62 | 63 64 ) 65 }
    $h4 = { 30 31 [2] 34 }
    $h5 = { 78 79 [-] 7A 7A }
  condition: any of them
}
rule regexes {
  strings:
    $r1 = /ab+c/
    $r2 = /[0-9]{3,5}-x/ nocase
    $r3 = /\bword\b/
    $r4 = /q.{0,4}?z/s
    $r5 = /(foo|bar)baz/ wide ascii
    $r6 = /^AB/
    $r7 = /\x00\x01[\x02-\x05]/
  condition: any of them
}
rule counts {
  strings: $a = "aa"
  condition: #a >= 2 and @a[1] < 100000 and !a[1] == 2 and #a in (0..filesize) >= 1
}
rule positions { strings: $a = "MZ" condition: $a at 0 or $a in (1..64) }
rule quantifiers {
  strings: $a = "one" $b = "two" $c = "three"
  condition: 2 of them or 50% of ($a, $b) or all of ($a*) and none of ($c)
}
rule loops {
  strings: $a = "x1" $b = "x2"
  condition:
    for any of ($a, $b) : ( # > 1 ) or
    for all i in (1..#a) : ( @a[i] % 2 == 0 ) and #a > 0 or
    for any i in (0, 1, 2) : ( uint8(i) == 0x4D )
}
rule readers {
  condition:
    filesize > 8 and (uint16(0) == 0x5A4D or uint32be(0) == 0x7F454C46 or int8(1) < 0 or uint16be(2) & 0xFF00 == 0x4100
      or int32(4) ^ 0x1 == 3 or (uint8(0) << 2) >> 1 == 0x82 or -uint8(0) \ 3 == -21 or ~uint8(0) == -66)
}
rule strops {
  condition: "Bulwark" contains "wark" and "Bulwark" icontains "WARK" and "abc" startswith "ab" and "abc" iendswith "BC"
    and "abc" iequals "ABC" and "abc" matches /B/i and not ("abc" istartswith "x") and "abc" endswith "c"
}
rule refs { condition: text_plain and not regexes or any of (text_*) }
global rule not_empty { condition: filesize > 0 }
rule floats { condition: 1.5 * 2 == 3.0 and filesize \ 2 >= 0 and 7 % 3 == 1 and defined filesize }
private rule priv { strings: $a = "priv" condition: $a }
rule uses_priv { condition: priv }
rule undefined_sem { strings: $a = "zzzq" condition: not (@a[5] == 0) or #a == 0 }
