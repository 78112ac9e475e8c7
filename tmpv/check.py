import json,sys
sys.path.insert(0,'.')
from app.search.analysis import tokenize, analyze, STEMMED_LANGUAGES
add=json.load(open('bench_vocab2_additions.json',encoding='utf-8'))
d=json.load(open('app/search/data/concepts.json',encoding='utf-8'))
group={c['id']:c['group'] for c in d['concepts']}
fold_owner={}; stem_owner={}
def reg(cid,l,t):
    k=tuple(tokenize(t)); fold_owner.setdefault(k,set()).add((cid,l))
    if l in STEMMED_LANGUAGES:
        s=tuple(analyze(t,l))
        if len(s)==len(k): stem_owner.setdefault((l,s),set()).add(cid)
for c in d['concepts']:
    for l,ts in c['terms'].items():
        for t in ts: reg(c['id'],l,t)
for cid,ls in add.items():
    for l,ts in ls.items():
        for t in ts: reg(cid,l,t)
for cid,ls in add.items():
    for l,ts in ls.items():
        for t in ts:
            k=tuple(tokenize(t))
            others={c for c,_ in fold_owner[k]}-{cid}
            if others: print("FOLD",cid,l,t,"also",others)
            if l in STEMMED_LANGUAGES:
                s=tuple(analyze(t,l))
                o2=stem_owner.get((l,s),set())-{cid}
                if o2: print("STEM",cid,l,t,s,"also",o2)
            if len(k)==1 and len(k[0])<5: print("SHORT",cid,l,t)
