/**
 * Generic product words: jieba index tokens found in the main products of ≥ 2 % of the chain-kg
 * listed companies (设备, 系统, 材料, 加工, 汽车, 电池 …). They say little about WHICH node an
 * organisation belongs on, yet with the few examples a chain has the engine's IDF cannot tell them
 * from specific words. The attachment tokenizer drops them, so only phrase-level and specific terms
 * (燃料电池, 质子交换膜, 谐波减速器) connect an organisation to a node; node keywords still match
 * whole (keyword hits are substring matches, not tokens).
 *
 * Derived by `node --import tsx scripts/attach-generic-words.ts` from
 * shared/data/chain-kg/company_product.json (3,832 companies).
 */
export const GENERIC_PRODUCT_WORDS: readonly string[] = ["平衡","设备","工程","材料","系统","产品","租赁","管理","抵销","电子","分部","加工","贸易","配件","制品","设计","智能","信息","汽车","机械","商品","工业","金属","地产","软件","建筑","投资","房地","房地产","集成","能源","电力","运输","运营","化工","零售","安装","施工","系列","医疗","部件","物业","批发","网络","装备","通信","计算","自动","联网","原料","环保","处理","食品","算机","计算机","控制","发电","用品","零部件","广告","综合","维修","商业","器件","物流","互联","包装","调整","电器","新能源","专用","配套","互联网","系统集成","数据","检测","电池","工程施工","房屋","金融","医药","建设","自动化","产业","应用","出租","及其","咨询服务","器械","设施","化学","承包","特种","仪器","通讯","交通","机电","光伏","企业","塑料","终端","复合","生物","装饰","数字","酒店","移动","供应","城市","出口","国内","仓储","资产","器材","医疗器械","安全","劳务","药品","精密","环境","结构","方案","煤炭","基础","成套","文化","硬件","工程设计","旅游","物业管理","智慧","普通","服务业","模具","电机","平台","组件","合金","玻璃","电源","解决","功能","电气","节能","解决方案","商品销售","电视","维护","元器","元器件","纺织","经纪","电站","制剂","显示","制作","服务费","融资","成品","服装","进出","原料药","游戏","装置","房产","自有","车辆","仪表","太阳","零配件","印刷","天然","机械设备","专业","中间","纤维","餐饮","修理","动力","电动","策划","营销","专用设备","供应链","公路","太阳能","铁路","led","商品房","新材料","空调","机器","轨道","销售业","销售业务"];
